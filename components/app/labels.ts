// The app's labels and colors, shared by the component, config validation and verify. Pure: no Pulumi import.

/** The two colors of a blue/green app. */
export const COLORS = ["blue", "green"] as const;
export type Color = (typeof COLORS)[number];

/** Pod label that tells blue from green; the Service selects on it. */
export const COLOR_LABEL = "version";

/** The label every pod, Service and PDB of an app carries, its value the app's name. */
export const APP_LABEL = "app.kubernetes.io/name";
