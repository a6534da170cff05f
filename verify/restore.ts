// After each phase and whatever happens: put the app back the way verify found it.
import { COLOR_LABEL } from "../components/app/labels";
import type { ClusterClient } from "./cluster-client";
import type { Target } from "./discover";

/** Puts back HPA bounds (or replicas) and the Service selector; idempotent, and never stops at the first problem. */
export class Restorer {
    constructor(
        private readonly client: ClusterClient,
        private readonly namespace: string,
        private readonly service: string,
        private readonly target: Target,
        private readonly log: (line: string) => void,
    ) {}

    async restore(): Promise<string[]> {
        const problems: string[] = [];
        const { client, namespace, target } = this;
        const attempt = async (what: string, byHand: string, step: () => Promise<void>) => {
            try {
                await step();
            } catch (err) {
                problems.push(`could not restore ${what}: ${(err as Error).message.split("\n")[0]}; by hand: ${byHand}`);
            }
        };
        const kubectlPatch = (kind: string, name: string, spec: unknown) =>
            `kubectl -n ${namespace} patch ${kind} ${name} --type merge -p '${JSON.stringify({ spec })}'`;
        const hpa = target.hpa;
        if (hpa !== undefined) {
            const what = `HPA ${namespace}/${target.deployment}`;
            await attempt(what, kubectlPatch("hpa", target.deployment, hpa), async () => {
                const now = await client.getHpa(namespace, target.deployment);
                if (now !== undefined && (now.minReplicas !== hpa.minReplicas || now.maxReplicas !== hpa.maxReplicas)) {
                    await client.patchHpa(namespace, target.deployment, hpa);
                    this.log(`restored ${what}: minReplicas ${hpa.minReplicas}, maxReplicas ${hpa.maxReplicas}`);
                }
            });
        } else {
            const what = `Deployment ${namespace}/${target.deployment} replicas`;
            await attempt(what, kubectlPatch("deployment", target.deployment, { replicas: target.replicas }), async () => {
                const now = await client.getDeployment(namespace, target.deployment);
                if (now !== undefined && now.replicas !== target.replicas) {
                    await client.patchDeployment(namespace, target.deployment, { replicas: target.replicas });
                    this.log(`restored ${what}: ${target.replicas}`);
                }
            });
        }
        const color = target.colors?.active;
        if (color !== undefined) {
            const what = `Service ${namespace}/${this.service} selector`;
            const selector = { [COLOR_LABEL]: color };
            await attempt(what, kubectlPatch("service", this.service, { selector }), async () => {
                const now = await client.getService(namespace, this.service);
                if (now !== undefined && now.selector[COLOR_LABEL] !== color) {
                    await client.patchServiceSelector(namespace, this.service, selector);
                    this.log(`restored ${what}: ${COLOR_LABEL}=${color}`);
                }
            });
        }
        return problems;
    }
}
