// The arguments a team passes to ZeroDowntimeService from its own program: name, image and port,
// where the platform puts it (read from the platform's stack outputs), and only the defaults it
// changes. Pure: no Pulumi import.
import { APP_DEFAULTS } from "./defaults";
import type { ZeroDowntimeServiceArgs } from "./zero-downtime-service";

/** What the platform decides: its Kubernetes version, the mesh and its sidecars' inbound drain, the way in. */
export type PlatformPlacement = Pick<ZeroDowntimeServiceArgs, "kubernetesVersion" | "mesh" | "sidecarInboundDrainSeconds" | "exposure">;

/**
 * Required: name, image, port and the platform's placement. Anything else overrides the platform's
 * default for the whole group it names (e.g. `timing` replaces every timing field).
 */
export type ServiceInputs = Pick<ZeroDowntimeServiceArgs, "name" | "image" | "port"> & PlatformPlacement & Partial<ZeroDowntimeServiceArgs>;

/** Full ZeroDowntimeService arguments: the platform's defaults (components/app/defaults.ts) under `inputs`. */
export function serviceArgs(inputs: ServiceInputs): ZeroDowntimeServiceArgs {
    const { enabled: _enabled, ingress: _ingress, ...defaults } = APP_DEFAULTS;
    return {
        ...defaults,
        // A team's namespace is its service's name unless it says otherwise.
        namespace: inputs.name,
        blueGreen: { ...defaults.blueGreen, images: { blue: inputs.image, green: inputs.image } },
        dependsOn: [],
        tags: {},
        ...inputs,
    };
}
