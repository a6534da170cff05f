// Which Kubernetes versions a stack may run: those EKS still supports on the day of the deployment
// and that every pinned component supports. Pure: the calendar and ranges come in as arguments
// (components/versions.ts holds them, with their sources).
import { Violation } from "./timing";

export interface SupportWindow {
    /** Last day of standard support, `YYYY-MM-DD`. */
    endOfStandard: string;
    /** Last day of extended support, `YYYY-MM-DD`. */
    endOfExtended: string;
}

/** A component that supports a range of Kubernetes minors, e.g. Istio 1.30: 32 to 36. */
export interface MinorRange {
    component: string;
    minMinor: number;
    maxMinor: number;
}

export interface VersionVerdict {
    /** Reasons the version must be refused. */
    violations: Violation[];
    /** Reasons to worry that do not stop a deployment (extended support costs six times more). */
    warnings: string[];
}

/** Minor number of a `"1.NN"` version string. */
export function minorOf(version: string): number {
    return Number(version.split(".")[1]);
}

/**
 * Judges `version` on `today` (`YYYY-MM-DD`) against the EKS calendar and each component's range.
 * Refused: unknown to the calendar, past the end of extended support, or outside a range.
 * Warned: in extended support, or leaving standard support within `warnDays`.
 */
export function checkKubernetesVersion(
    version: string,
    today: string,
    calendar: Record<string, SupportWindow>,
    ranges: MinorRange[],
    warnDays = 90,
): VersionVerdict {
    const violations: Violation[] = [];
    const warnings: string[] = [];
    const window = calendar[version];
    const known = Object.keys(calendar).filter((v) => calendar[v].endOfExtended >= today);
    if (window === undefined) {
        violations.push({
            rule: "kubernetes-version-on-eks",
            fields: ["version"],
            message: `Kubernetes ${version} is not in the EKS calendar this program knows`,
            fix: `use one of ${known.map((v) => JSON.stringify(v)).join(", ")}`,
        });
    } else if (window.endOfExtended < today) {
        violations.push({
            rule: "kubernetes-version-supported",
            fields: ["version"],
            message: `Kubernetes ${version} left EKS extended support on ${window.endOfExtended}: EKS upgrades such clusters by itself`,
            fix: `use one of ${known.map((v) => JSON.stringify(v)).join(", ")}`,
        });
    } else if (window.endOfStandard < today) {
        warnings.push(
            `Kubernetes ${version} is in EKS extended support since ${window.endOfStandard} ($0.60 instead of $0.10 per cluster-hour) until ${window.endOfExtended}: plan the upgrade`,
        );
    } else if (daysBetween(today, window.endOfStandard) <= warnDays) {
        warnings.push(
            `Kubernetes ${version} leaves EKS standard support on ${window.endOfStandard} (then $0.60 instead of $0.10 per cluster-hour): plan the upgrade`,
        );
    }
    const minor = minorOf(version);
    for (const r of ranges) {
        if (minor < r.minMinor || minor > r.maxMinor) {
            violations.push({
                rule: "kubernetes-version-in-component-range",
                fields: ["version"],
                message: `${r.component} supports Kubernetes 1.${r.minMinor} to 1.${r.maxMinor}, not ${version}`,
                fix: `use a version from "1.${r.minMinor}" to "1.${r.maxMinor}", or switch ${r.component} off`,
            });
        }
    }
    return { violations, warnings };
}

function daysBetween(from: string, to: string): number {
    return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}
