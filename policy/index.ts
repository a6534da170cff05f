// CrossGuard pack entry point: `pulumi preview --policy-pack <path to this folder>` on this program
// or any other team's. Constructing the pack serves it to the Pulumi CLI.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("zero-downtime-eks", { policies });
