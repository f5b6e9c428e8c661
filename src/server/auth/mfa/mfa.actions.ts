"use server";

import type { z } from "zod";
import { invokeAction, type ActionResult } from "../../http/action";
import { getSessionActorForMfaEnrolment } from "../session";
import { mfaActionDefs } from "./mfa.action-defs";
import type { confirmMfaEnrolmentInput, ConfirmMfaEnrolmentResult, disableMfaInput, startMfaEnrolmentInput, StartMfaEnrolmentResult } from "@/contracts/mfa";

// Not defineAction: a manager who must still enrol (org setting) may run these, and only these (mfa.action-defs.ts).
export async function startMfaEnrolmentAction(raw: z.input<typeof startMfaEnrolmentInput>): Promise<ActionResult<StartMfaEnrolmentResult>> {
  return invokeAction(mfaActionDefs.start, await getSessionActorForMfaEnrolment(), raw);
}

export async function confirmMfaEnrolmentAction(raw: z.input<typeof confirmMfaEnrolmentInput>): Promise<ActionResult<ConfirmMfaEnrolmentResult>> {
  return invokeAction(mfaActionDefs.confirm, await getSessionActorForMfaEnrolment(), raw);
}

export async function disableMfaAction(raw: z.input<typeof disableMfaInput>): Promise<ActionResult<{ disabled: true }>> {
  return invokeAction(mfaActionDefs.disable, await getSessionActorForMfaEnrolment(), raw);
}
