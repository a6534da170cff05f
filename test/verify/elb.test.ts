import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as os from "node:os";
import * as path from "node:path";
import * as sdk from "@aws-sdk/client-elastic-load-balancing-v2";
import { mockClient } from "aws-sdk-client-mock";
import { ElbTargetHealth, openElb, targetHealthOrSkip } from "../../verify/elb";
import { APP_TARGET_GROUP } from "./fake-cluster";

/** Runs `body` with the AWS environment replaced by `env` (every AWS_ variable removed first). */
async function withAwsEnv<T>(env: Record<string, string>, body: () => Promise<T>): Promise<T> {
    const saved = { ...process.env };
    for (const key of Object.keys(process.env).filter((k) => k.startsWith("AWS_"))) {
        delete process.env[key];
    }
    Object.assign(process.env, env);
    try {
        return await body();
    } finally {
        for (const key of Object.keys(process.env).filter((k) => k.startsWith("AWS_"))) {
            delete process.env[key];
        }
        Object.assign(process.env, saved);
    }
}

// No profile file, no instance metadata: nothing for the default chain to find.
const NOWHERE = path.join(os.tmpdir(), "zde-no-such-aws-file");
const NO_CREDENTIALS = { AWS_SHARED_CREDENTIALS_FILE: NOWHERE, AWS_CONFIG_FILE: NOWHERE, AWS_EC2_METADATA_DISABLED: "true" };

describe("[#14] ELBv2 target health through the AWS SDK v3", () => {
    it("reads DescribeTargetHealth for the target group: target id and state", async () => {
        const client = new sdk.ElasticLoadBalancingV2Client({
            region: "ap-northeast-2",
            credentials: { accessKeyId: "a", secretAccessKey: "b" },
        });
        const mock = mockClient(client);
        mock.on(sdk.DescribeTargetHealthCommand, { TargetGroupArn: APP_TARGET_GROUP }).resolves({
            TargetHealthDescriptions: [
                { Target: { Id: "10.0.1.7", Port: 8080 }, HealthCheckPort: "8080", TargetHealth: { State: "healthy" } },
                { Target: { Id: "10.0.1.8", Port: 8080 }, TargetHealth: { State: "draining", Reason: "Target.DeregistrationInProgress" } },
                { TargetHealth: { State: "unavailable" } },
            ],
        });
        assert.deepEqual(await new ElbTargetHealth(client, sdk).describe(APP_TARGET_GROUP), [
            { id: "10.0.1.7", state: "healthy" },
            { id: "10.0.1.8", state: "draining" },
        ]);
        assert.deepEqual(mock.commandCalls(sdk.DescribeTargetHealthCommand)[0].args[0].input, { TargetGroupArn: APP_TARGET_GROUP });
    });

    it("no AWS credentials: one line says the ALB timings are skipped and the verdict stands", async () => {
        const said: string[] = [];
        const elb = await withAwsEnv(NO_CREDENTIALS, () => targetHealthOrSkip("ap-northeast-2", (l) => said.push(l)));
        assert.equal(elb, undefined);
        assert.deepEqual(said, ["calibration: no AWS credentials, so ALB target timings are skipped; the load verdict still stands"]);
    });

    it("credentials in the environment: a reader, and nothing said", async () => {
        const opened = await withAwsEnv({ ...NO_CREDENTIALS, AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" }, () =>
            openElb("ap-northeast-2"),
        );
        assert.ok("elb" in opened);
    });
});
