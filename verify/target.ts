// Where Locust sends its load. By default the app's public URL through the ALB that fronts it, read from
// the cluster before anything changes: failed requests come, in practice, from the ALB still routing to
// targets that are being deregistered, a path the in-cluster Service skips. `--host` overrides it.
//
// With a domain (zero-downtime-eks:domain) the URL is https://<hostName>, the one clients use (the
// stack's httpsUrl output): the ALB's HTTP listener answers 301 to HTTPS on the same host name
// (components/alb.ts httpsAnnotations, ssl-redirect), and the certificate on its HTTPS listener is for
// the domain only (components/https.ts), so http://<ALB hostname> ends at a name mismatch on every
// request (issue 21).
import { ENTRYPOINT_INGRESS, GATEWAY_NAMESPACE } from "../components/addons/names";
import { Settings } from "../stacks/settings";
import { ClusterClient, beforeAnyChange } from "./cluster-client";
import { InputError } from "./run";

export interface IngressRef {
    namespace: string;
    name: string;
}

/**
 * Where the load goes, before the cluster is read: `--host` as given, or the Ingress whose ALB fronts the
 * app, with the stack's domain (`zero-downtime-eks:domain.hostName`) when it has one.
 */
export type TargetSource = { host: string } | { ingress: IngressRef; domain?: { hostName: string; key: string } };

export interface LoadTarget {
    /** Base URL Locust loads. */
    host: string;
    /** How the load reaches the app and why this URL, for the startup line and the reports ("through the ALB of Ingress ..."). */
    route: string;
}

/** The Ingress that fronts the app: the platform entrypoint with Istio on, the app's own without. */
export function entrypointIngress(settings: Settings): IngressRef {
    return settings.addons.istio.enabled
        ? { namespace: GATEWAY_NAMESPACE, name: ENTRYPOINT_INGRESS }
        : { namespace: settings.app.namespace, name: settings.app.name };
}

/** `--host` when given, else the Ingress in front of the app (and the stack's domain, when it sets one). */
export function targetSource(settings: Settings, host?: string): TargetSource {
    if (host !== undefined) {
        return { host };
    }
    const domain = settings.domain && { hostName: settings.domain.hostName, key: `${settings.project}:domain.hostName` };
    return domain === undefined ? { ingress: entrypointIngress(settings) } : { ingress: entrypointIngress(settings), domain };
}

/** What a URL given with --host is, as far as its name tells. */
function givenRoute(host: string): string {
    const name = new URL(host).hostname;
    if (name.endsWith(".elb.amazonaws.com")) {
        return "from --host, an AWS load balancer's name: through the ALB";
    }
    if (!name.includes(".") || /\.svc(\.cluster\.local)?$/.test(name)) {
        return "from --host, an in-cluster name: not through the ALB";
    }
    return "from --host: not checked to go through the ALB";
}

/**
 * Resolves the load's target; reads the Ingress (nothing is changed yet). An Ingress that is missing or
 * has no ALB hostname yet is an InputError; an API error answer a ClusterAccessError.
 */
export async function resolveTarget(client: ClusterClient, source: TargetSource): Promise<LoadTarget> {
    if ("host" in source) {
        return { host: source.host, route: givenRoute(source.host) };
    }
    const { namespace, name } = source.ingress;
    const ref = `Ingress ${namespace}/${name}`;
    const ingress = await beforeAnyChange(client.server, () => client.getIngress(namespace, name));
    if (ingress === undefined) {
        throw new InputError(
            `the app is not deployed (run pulumi up for this stack first): no ${ref}, whose ALB verify loads; or pass --host <url>`,
        );
    }
    if (ingress.hostname === undefined) {
        throw new InputError(
            `${ref} has no ALB hostname yet (status.loadBalancer.ingress[0].hostname): wait for the AWS Load Balancer Controller to provision it, or pass --host <url>`,
        );
    }
    if (source.domain !== undefined) {
        // The name resolves to the ALB through the stack's alias record (components/https.ts EntrypointRecord).
        return {
            host: `https://${source.domain.hostName}`,
            route: `the stack's domain (${source.domain.key}) over HTTPS, as clients reach it: through the ALB of ${ref}, ${ingress.hostname}`,
        };
    }
    return { host: `http://${ingress.hostname}`, route: `through the ALB of ${ref}` };
}
