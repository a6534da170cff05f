import * as pulumi from "@pulumi/pulumi";

/**
 * Options that hand a remote (multi-language) component the AWS provider its parent was given.
 * A custom resource inherits its parent's providers, but the Node SDK sends a remote component
 * only the providers in its own `providers` option (@pulumi/pulumi runtime/resource.js,
 * prepareResource: "if (remote || !custom) … componentOpts.providers"), so without this eks.Cluster,
 * eks.ManagedNodeGroup and awsx.ec2.Vpc would create their children with the default provider:
 * no default tags, and the region from `aws:region` instead of the stack's settings.
 */
export function awsProviderOf(parent: pulumi.Resource): { providers?: pulumi.ProviderResource[] } {
    const provider = parent.getProvider("aws::Provider");
    return provider === undefined ? {} : { providers: [provider] };
}
