// The one place the program touches Pulumi configuration.
import * as pulumi from "@pulumi/pulumi";
import { Settings, parseSettings, todayUtc } from "./settings";
import { SettingsError } from "./validate";

export * from "./settings";
export { SettingsError } from "./validate";

/**
 * Reads and validates this stack's configuration. On bad input it fails the deployment before any
 * resource is registered, with every problem listed and no stack trace (`RunError`).
 */
export function loadSettings(): Settings {
    try {
        return parseSettings({
            project: pulumi.getProject(),
            stack: pulumi.getStack(),
            config: pulumi.runtime.allConfig(),
            // Version support is judged on the day of the deployment (UTC, as the EKS calendar).
            today: todayUtc(),
        });
    } catch (err) {
        if (err instanceof SettingsError) {
            throw new pulumi.RunError(err.message);
        }
        throw err;
    }
}
