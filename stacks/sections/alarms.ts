// `zero-downtime-eks:alarms`: the entrypoint ALB's 5xx and unhealthy-target alarms.
import { validAlarmPeriod } from "../../rules/aws-limits";
import { ALARM_DEFAULTS } from "../defaults";
import type { AlarmsSettings } from "../settings";
import { Section } from "../validate";

export function readAlarms(section: Section): AlarmsSettings {
    const periodSeconds = section.int("periodSeconds", ALARM_DEFAULTS.periodSeconds, 10, 86_400);
    if (!validAlarmPeriod(periodSeconds)) {
        section.problem(
            "periodSeconds",
            periodSeconds,
            "10, 20, 30 or a multiple of 60 (CloudWatch PutMetricAlarm Period; the ALB reports every 60 s)",
        );
    }
    return {
        enabled: section.bool("enabled", ALARM_DEFAULTS.enabled),
        periodSeconds,
        // At most a day of periods (CloudWatch: EvaluationPeriods × Period ≤ one day).
        evaluationPeriods: section.int("evaluationPeriods", ALARM_DEFAULTS.evaluationPeriods, 1, 1440),
    };
}
