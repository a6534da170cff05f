// `zero-downtime-eks:teams`: the application teams that deploy their own services on the platform,
// by namespace: who deploys there, and where their services are reached behind the shared gateway.
import { GATEWAY_NAMESPACE, RESERVED_NAMESPACES, SHARED_GATEWAY_NAME } from "../../components/addons/names";
import { ANY_HOST, PATH_PREFIX, ROUTE_HOST, gatewayServerHosts } from "../../components/app/routes";
import { DNS_LABEL, PRINCIPAL_ARN } from "../../rules/formats";
import { VirtualService, gatewayRoutes, hostSubsetOf, routeOverlaps } from "../../rules/routes";
import type { AddonsSettings, AppSettings, ClusterSettings, DomainSettings, TeamSettings } from "../settings";
import { Section } from "../validate";

/** What the team checks need from the other sections. */
export interface TeamContext {
    app: AppSettings;
    addons: AddonsSettings;
    cluster: ClusterSettings;
    domain: DomainSettings | undefined;
}

/** The path prefix a team gets on the shared hosts unless it is given one: its namespace. */
export function defaultTeamPathPrefix(team: string, hosts: string[]): string {
    return hosts.includes(ANY_HOST) ? `/${team}/` : "/";
}

export function readTeams(section: Section, context: TeamContext): TeamSettings[] {
    const teams = section.keys().map((name) => {
        const team = section.section(name);
        if (!DNS_LABEL.test(name)) {
            section.problem(name, name, "a namespace name for the team: a DNS label (lowercase letters, digits and '-')");
        } else if (RESERVED_NAMESPACES.includes(name) || (context.app.enabled && name === context.app.namespace)) {
            section.problem(
                name,
                name,
                `a namespace of the team's own: ${[...RESERVED_NAMESPACES, context.app.namespace].join(", ")} belong to Kubernetes or the platform`,
            );
        }
        const principalArn = team.string(
            "principalArn",
            "",
            PRINCIPAL_ARN,
            'an IAM role or user ARN, e.g. "arn:aws:iam::123456789012:role/team-orders"',
        );
        if (!team.has("principalArn")) {
            team.problem(
                "principalArn",
                undefined,
                "the ARN of the IAM role the team deploys with (it gets edit rights in this namespace only)",
            );
        }
        if (!context.addons.istio.enabled) {
            for (const key of ["hosts", "pathPrefix"].filter((k) => team.has(k))) {
                team.problem(
                    key,
                    team.take(key),
                    "no value while addons.istio.enabled is false: without the mesh each service has an ALB of its own",
                );
            }
        }
        const hosts = team.stringList("hosts", [ANY_HOST], ROUTE_HOST, 'a lower-case DNS name, "*.<domain>" or "*"');
        const pathPrefix = team.string(
            "pathPrefix",
            defaultTeamPathPrefix(name, hosts),
            PATH_PREFIX,
            'a path that starts and ends with "/", e.g. "/orders/"',
        );
        team.rejectUnknown();
        return { name, principalArn, hosts, pathPrefix };
    });
    checkTeams(section, teams, context);
    return teams;
}

function checkTeams(section: Section, teams: TeamSettings[], context: TeamContext): void {
    if (teams.length > 0 && !context.addons.loadBalancerController.enabled) {
        section.problem(
            "",
            teams.map((t) => t.name),
            "no teams while addons.loadBalancerController.enabled is false: their services are reached through an ALB",
        );
    }
    // One access entry per principal (EKS CreateAccessEntry: "You can't specify the same ARN in more than one access entry").
    const owners = new Map(context.cluster.access.map((a) => [a.principalArn, "cluster.access"]));
    for (const team of teams) {
        const owner = owners.get(team.principalArn);
        if (owner !== undefined && team.principalArn !== "") {
            section.problem(
                `${team.name}.principalArn`,
                team.principalArn,
                `a principal of its own: ${owner} already gives it an access entry, and EKS allows one per principal`,
            );
        }
        owners.set(team.principalArn, `teams.${team.name}`);
    }
    const hostName = context.domain?.hostName;
    for (const team of teams) {
        const taken = team.hosts.filter((h) => hostName !== undefined && hostSubsetOf(hostName, h) && h !== ANY_HOST);
        if (taken.length > 0) {
            section.problem(
                `${team.name}.hosts`,
                taken,
                `hosts other than ${hostName} (domain.hostName, the platform app's): the more specific host would take all of its requests`,
            );
        }
    }
    if (context.addons.istio.enabled) {
        for (const overlap of grantOverlaps(teams, context.app)) {
            section.problem(`${overlap.team}.pathPrefix`, overlap.given, overlap.expected);
        }
    }
}

/**
 * The grants as the Gateway would merge them: each team's hosts and prefix as one VirtualService,
 * the app's catch-all beside them; every overlap rules/routes.ts finds, named by the team that loses.
 */
function grantOverlaps(teams: TeamSettings[], app: AppSettings): { team: string; given: string; expected: string }[] {
    const claims = [
        ...(app.enabled ? [{ namespace: app.namespace, hosts: [ANY_HOST], pathPrefix: "/" }] : []),
        ...teams.map((t) => ({ namespace: t.name, hosts: t.hosts, pathPrefix: t.pathPrefix })),
    ];
    const virtualServices: VirtualService[] = claims.map((c, created) => ({
        namespace: c.namespace,
        name: c.namespace,
        hosts: c.hosts,
        gateways: [`${GATEWAY_NAMESPACE}/${SHARED_GATEWAY_NAME}`],
        http: [{ ...(c.pathPrefix === "/" ? {} : { match: [{ uri: { prefix: c.pathPrefix } }] }), destination: c.namespace }],
        created,
    }));
    const gateway = {
        namespace: GATEWAY_NAMESPACE,
        name: SHARED_GATEWAY_NAME,
        servers: [{ port: 80, hosts: gatewayServerHosts(claims) }],
    };
    return routeOverlaps(gatewayRoutes(gateway, virtualServices, 80)).map((o) => {
        const loser = o.shadowed.owner.split("/")[0];
        const winner = o.first.owner.split("/")[0];
        return {
            team: teams.some((t) => t.name === loser) ? loser : winner,
            given: o.message,
            expected: "a host or path prefix no other team (or the app) claims",
        };
    });
}
