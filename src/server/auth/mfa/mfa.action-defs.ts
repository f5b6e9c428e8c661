import "server-only";
import type { ActionDef } from "../../http/action";
import { confirmMfaEnrolment } from "./confirm-mfa";
import { disableMfa } from "./disable-mfa";
import { startMfaEnrolment } from "./enrol-mfa";
import { confirmMfaEnrolmentInput, disableMfaInput, startMfaEnrolmentInput, type ConfirmMfaEnrolmentResult, type StartMfaEnrolmentResult } from "@/contracts/mfa";

/*
 * Like defineAction, except the actor may be a manager who still has to enrol (org setting): these are the
 * only actions such a person can run. Definitions are exported for the authorization matrix test.
 */
export const mfaActionDefs = {
  start: { name: "mfa.startEnrolment", permission: "account.manage", input: startMfaEnrolmentInput, run: (ctx) => startMfaEnrolment(ctx) } satisfies ActionDef<typeof startMfaEnrolmentInput, StartMfaEnrolmentResult>,
  confirm: { name: "mfa.confirmEnrolment", permission: "account.manage", input: confirmMfaEnrolmentInput, run: confirmMfaEnrolment } satisfies ActionDef<typeof confirmMfaEnrolmentInput, ConfirmMfaEnrolmentResult>,
  disable: { name: "mfa.disable", permission: "account.manage", input: disableMfaInput, run: disableMfa } satisfies ActionDef<typeof disableMfaInput, { disabled: true }>,
};

