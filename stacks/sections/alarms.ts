// `zero-downtime-eks:alarms`: the entrypoint ALB's 5xx and unhealthy-target alarms.
import { ALB_METRIC_INTERVAL_SECONDS, CLOUDWATCH_ALARM, checkAlarmWindow } from "../../rules/aws-limits";
import { ALARM_DEFAULTS } from "../defaults";
import type { AlarmsSettings } from "../settings";
import { Section } from "../validate";
import { reportViolations } from "../violations";

export function readAlarms(section: Section): AlarmsSettings {
    // The outer bounds: nothing past CloudWatch's longest window (seven days) can be valid; the rules
    // below say what within them PutMetricAlarm refuses and what the ALB's metrics cannot feed.
    const periodSeconds = section.int("periodSeconds", ALARM_DEFAULTS.periodSeconds, 10, CLOUDWATCH_ALARM.maxWindowSeconds);
    const evaluationPeriods = section.int(
        "evaluationPeriods",
        ALARM_DEFAULTS.evaluationPeriods,
        1,
        CLOUDWATCH_ALARM.maxWindowSeconds / CLOUDWATCH_ALARM.periodMultiple,
    );
    // The alarms watch AWS/ApplicationELB metrics, reported every 60 s (rules/aws-limits.ts).
    reportViolations(section, checkAlarmWindow({ periodSeconds, evaluationPeriods }, ALB_METRIC_INTERVAL_SECONDS), {});
    return {
        enabled: section.bool("enabled", ALARM_DEFAULTS.enabled),
        periodSeconds,
        evaluationPeriods,
    };
}
