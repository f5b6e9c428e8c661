"use server";
import { defineAction } from "../http/action";
import { createLocation } from "./create-location";
import { updateLocation } from "./update-location";
import { createLocationInput, updateLocationActionInput } from "@/contracts/locations";

// Thin adapters for the customers pages: the same use-cases as /api/v1/locations (authorization inside them).
export const createLocationAction = defineAction({ name: "locations.create", permission: "locations.manage", input: createLocationInput, run: async (ctx, i) => (await createLocation(ctx, i)).location });
export const updateLocationAction = defineAction({ name: "locations.update", permission: "locations.manage", input: updateLocationActionInput, run: (ctx, { id, ...i }) => updateLocation(ctx, id, i) });
