// ELBv2 target health for the calibration, through the AWS SDK for JavaScript v3 and the caller's own
// credentials (the default provider chain: environment, SSO/profile, web identity, instance role).
// Loaded only when verify runs against a cluster: the SDK is not needed for `--help` or bad input.
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { TargetHealth, TargetHealthSource } from "./calibration";

/** What the ELBv2 API reports for one target group (DescribeTargetHealth: Target.Id, TargetHealth.State). */
export class ElbTargetHealth implements TargetHealthSource {
    constructor(
        private readonly client: ElasticLoadBalancingV2Client,
        private readonly sdk: typeof import("@aws-sdk/client-elastic-load-balancing-v2"),
    ) {}

    async describe(targetGroupArn: string): Promise<TargetHealth[]> {
        const out = await this.client.send(new this.sdk.DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
        return (out.TargetHealthDescriptions ?? []).flatMap((d) =>
            d.Target?.Id === undefined ? [] : [{ id: d.Target.Id, state: d.TargetHealth?.State ?? "unavailable" }],
        );
    }
}

/**
 * An ELBv2 reader for `region`, or the reason there is none: the calibration's ALB half is then skipped
 * with one line, and the load verdict still stands. Credentials are resolved here, once, so a missing
 * one is said before the run rather than as a failed read in the middle of it.
 */
export async function openElb(region: string): Promise<{ elb: TargetHealthSource } | { skipped: string }> {
    const sdk = await import("@aws-sdk/client-elastic-load-balancing-v2");
    const client = new sdk.ElasticLoadBalancingV2Client({ region });
    try {
        await client.config.credentials();
    } catch (err) {
        // The SDK's CredentialsProviderError ("Could not load credentials from any providers"); matched by
        // name, as its class moved between @smithy packages.
        const why = (err as Error).name === "CredentialsProviderError" ? "no AWS credentials" : (err as Error).message.split("\n")[0];
        return { skipped: why };
    }
    return { elb: new ElbTargetHealth(client, sdk) };
}

/** openElb for the run: undefined when there is none, having said in one line why and that the verdict still stands. */
export async function targetHealthOrSkip(region: string, say: (line: string) => void): Promise<TargetHealthSource | undefined> {
    const opened = await openElb(region);
    if ("skipped" in opened) {
        say(`calibration: ${opened.skipped}, so ALB target timings are skipped; the load verdict still stands`);
        return undefined;
    }
    return opened.elb;
}
