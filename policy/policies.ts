// Each check of policy/checks.ts as a CrossGuard policy. Deployments are judged together with the
// Ingress, HPA, PDB and Namespace around them, so every policy validates the whole stack.
import { StackValidationPolicy } from "@pulumi/policy";
import { POLICIES, ResourceView, checkResources } from "./checks";

export const policies: StackValidationPolicy[] = Object.entries(POLICIES).map(([name, p]) => ({
    name,
    description: p.description,
    enforcementLevel: p.enforcement,
    validateStack: (args, reportViolation) => {
        const views: ResourceView[] = args.resources.map((r) => ({
            type: r.type,
            name: r.name,
            props: r.props as Record<string, unknown>,
        }));
        const urns = new Map(args.resources.map((r) => [r.name, r.urn]));
        for (const f of checkResources(views).filter((x) => x.policy === name)) {
            reportViolation(f.message, urns.get(f.resource));
        }
    },
}));
