import type { ApiOperation } from "../http/openapi-types";
import { pushSendResult, pushSubscriptionInput, pushUnsubscribeInput, vapidKeyResponse } from "@/contracts/push";

/** Web Push routes (rep PWA notifications), for the generated OpenAPI document. */
export const pushOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/push/vapid-public-key",
    summary: "The server's VAPID public key (applicationServerKey)",
    tag: "push",
    permission: "account.read",
    responses: { 200: { description: "The key", schema: vapidKeyResponse }, 401: { description: "No valid credential" } },
  },
  {
    method: "post",
    path: "/api/v1/push/subscriptions",
    summary: "Store this device's push subscription for the caller",
    description: "Idempotent per endpoint; an endpoint known for another person moves to the caller (the device changed hands).",
    tag: "push",
    permission: "account.manage",
    body: pushSubscriptionInput,
    responses: { 201: { description: "Stored" }, 400: { description: "VALIDATION_FAILED" }, 401: { description: "No valid credential" }, 403: { description: "A read-only API key" } },
  },
  {
    method: "post",
    path: "/api/v1/push/unsubscribe",
    summary: "Remove this device's subscription of the caller (sign-out)",
    tag: "push",
    permission: "account.manage",
    body: pushUnsubscribeInput,
    responses: { 200: { description: "{ removed }" }, 400: { description: "VALIDATION_FAILED" }, 401: { description: "No valid credential" }, 403: { description: "A read-only API key" } },
  },
  {
    method: "post",
    path: "/api/v1/push/test",
    summary: "Send a test notification to every device of the caller",
    tag: "push",
    permission: "account.manage",
    responses: { 200: { description: "Per-device outcome", schema: pushSendResult }, 401: { description: "No valid credential" }, 403: { description: "A read-only API key" } },
  },
];
