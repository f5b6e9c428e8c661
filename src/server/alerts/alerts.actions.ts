"use server";
import { acknowledgeAlertInput } from "@/contracts/alerts";
import { defineAction } from "../http/action";
import { acknowledgeAlert } from "./acknowledge-alert";

export const acknowledgeAlertAction = defineAction({ name: "alerts.acknowledge", permission: "alerts.manage", input: acknowledgeAlertInput, run: acknowledgeAlert });
