import type { ExifSummary, PhotoSource, PhotoValidation, CaptureFix } from "@/contracts/photos";
import type { PhotoExif } from "./read-exif";

/** What `visits.selfie_metadata` holds (jsonb): the upload, its files and its judgement. Keys stay stable: the retention job and pages read them. */
export type SelfieMetadata = {
  client_id: string;
  storage: "local" | "uploadthing";
  original_key: string | null;
  display_key: string | null;
  thumb_key: string | null;
  content_type: string;
  bytes: number;
  sha256: string;
  width: number;
  height: number;
  source: PhotoSource;
  capture_fix: CaptureFix | null;
  device_time: string;
  user_agent: string | null;
  offline_replay: boolean;
  received_at: string;
  exif: ExifSummary;
  validation: PhotoValidation;
  /** Set by the retention use-case when the files were deleted. */
  deleted_at?: string;
};

export const toExifSummary = (e: PhotoExif): ExifSummary => ({
  gps: e.gps,
  date_time_original: e.dateTimeOriginal,
  offset_time_original: e.offsetTimeOriginal,
  gps_time: e.gpsTime,
  make: e.make,
  model: e.model,
});

/** The stable, unsigned address stored in `visits.selfie_url` (the seed's column): it serves nothing without a signature. */
export const selfieUrlOf = (displayKey: string) => `/api/v1/files/${displayKey}`;
