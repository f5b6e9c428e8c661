"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { CaptureFix, PhotoSource } from "@/contracts/photos";

/** What the capture hands its caller: the JPEG, how it was taken, and the fix taken at that moment. No network here. */
export type SelfieCaptureResult = { blob: Blob; source: PhotoSource; captureFix: CaptureFix | null; deviceTime: string; userAgent: string };
export type SelfieCaptureProps = {
  onCapture(result: SelfieCaptureResult): void;
  onCancel?(): void;
  /** Label of the confirm button (e.g. "Upload selfie" online, "Save selfie" when it is queued). */
  confirmLabel?: string;
  /** Disables the confirm button while the caller is busy with a result. */
  busy?: boolean;
  /** The app's latest position (its watch), read at the moment of capture; null: none recent enough. Absent: one request here. */
  currentFix?: () => CaptureFix | null;
};

const FIX_OPTIONS: PositionOptions = { enableHighAccuracy: true, timeout: 10_000, maximumAge: 0 };
const JPEG_QUALITY = 0.85;

/** A fresh fix at the moment of capture (null when denied, unavailable or too slow: the server flags NO_CAPTURE_FIX). */
function freshFix(): Promise<CaptureFix | null> {
  if (typeof navigator === "undefined" || !navigator.geolocation) return Promise.resolve(null);
  return new Promise((resolve) =>
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: Math.min(Math.max(p.coords.accuracy, 0), 100_000), captured_at: new Date(p.timestamp).toISOString() }),
      () => resolve(null),
      FIX_OPTIONS,
    ),
  );
}

type Shot = { blob: Blob; url: string; source: PhotoSource; captureFix: CaptureFix | null; deviceTime: string };

/**
 * Live front camera (getUserMedia) with preview, capture to JPEG on a canvas, retake. When the camera is unavailable
 * or denied, a file input with capture="user" takes over, marked source "file" (weaker evidence: it may be an old photo).
 */
export function SelfieCapture({ onCapture, onCancel, confirmLabel = "Use this photo", busy = false, currentFix }: SelfieCaptureProps) {
  const fixNow = () => (currentFix ? Promise.resolve(currentFix()) : freshFix());
  const videoRef = useRef<HTMLVideoElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const [mode, setMode] = useState<"starting" | "live" | "fallback">("starting");
  const [shot, setShot] = useState<Shot | null>(null);
  const [status, setStatus] = useState("Starting the front camera…");

  const stop = useCallback(() => {
    streamRef.current?.getTracks().forEach((t) => t.stop());
    streamRef.current = null;
  }, []);

  useEffect(() => {
    let cancelled = false;
    const media = navigator.mediaDevices?.getUserMedia
      ? navigator.mediaDevices.getUserMedia({ video: { facingMode: "user", width: { ideal: 1280 }, height: { ideal: 960 } }, audio: false })
      : Promise.reject(new Error("getUserMedia is not available (insecure origin or old browser)"));
    media.then(
      async (stream) => {
        if (cancelled) return stream.getTracks().forEach((t) => t.stop());
        streamRef.current = stream;
        if (videoRef.current) {
          videoRef.current.srcObject = stream;
          await videoRef.current.play().catch(() => {});
        }
        setMode("live");
        setStatus("Camera ready. Frame your face and capture.");
      },
      () => {
        if (cancelled) return;
        setMode("fallback");
        setStatus("The camera is unavailable or was not allowed: take or choose a photo instead (marked as a file upload).");
      },
    );
    return () => {
      cancelled = true;
      stop();
    };
  }, [stop]);

  useEffect(() => () => (shot ? URL.revokeObjectURL(shot.url) : undefined), [shot]);

  async function captureLive() {
    const video = videoRef.current;
    if (!video || !video.videoWidth) return setStatus("The camera has no picture yet: try again in a moment.");
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d")?.drawImage(video, 0, 0);
    const deviceTime = new Date().toISOString();
    setStatus("Captured. Taking a GPS fix…");
    const [blob, captureFix] = await Promise.all([new Promise<Blob | null>((r) => canvas.toBlob(r, "image/jpeg", JPEG_QUALITY)), fixNow()]);
    if (!blob) return setStatus("The photo could not be encoded: try again.");
    setShot({ blob, url: URL.createObjectURL(blob), source: "camera", captureFix, deviceTime });
    setStatus(captureFix ? "Photo ready. Use it or retake." : "Photo ready, but no GPS fix could be taken. Use it or retake.");
  }

  async function pickFile(file: File | undefined) {
    if (!file) return;
    const deviceTime = new Date().toISOString();
    setStatus("Photo chosen. Taking a GPS fix…");
    const captureFix = await fixNow();
    setShot({ blob: file, url: URL.createObjectURL(file), source: "file", captureFix, deviceTime });
    setStatus("Photo ready. Use it or choose another.");
  }

  function retake() {
    setShot(null);
    setStatus(mode === "live" ? "Camera ready. Frame your face and capture." : "Take or choose another photo.");
  }

  function confirm() {
    if (!shot) return;
    onCapture({ blob: shot.blob, source: shot.source, captureFix: shot.captureFix, deviceTime: shot.deviceTime, userAgent: navigator.userAgent.slice(0, 500) });
  }

  return (
    <div className="flex flex-col gap-3">
      <p role="status" aria-live="polite" className="text-sm text-slate-700">
        {status}
      </p>
      <div className="relative overflow-hidden rounded-xl bg-slate-900" hidden={!!shot || mode !== "live"}>
        <video ref={videoRef} playsInline muted autoPlay aria-label="Camera preview" className="mx-auto max-h-[60vh] -scale-x-100" />
      </div>
      {shot ? (
        // eslint-disable-next-line @next/next/no-img-element -- a local blob: URL, nothing for next/image to optimise
        <img src={shot.url} alt="Captured selfie preview" className="mx-auto max-h-[60vh] rounded-xl" />
      ) : null}
      {mode === "fallback" && !shot ? (
        <label className="flex flex-col gap-1">
          <span className="font-medium">Take or choose a photo</span>
          <input type="file" accept="image/*" capture="user" onChange={(e) => void pickFile(e.target.files?.[0])} className="min-h-11" />
        </label>
      ) : null}
      <div className="flex flex-wrap gap-3">
        {!shot && mode === "live" ? (
          <button type="button" onClick={() => void captureLive()} className="min-h-11 rounded-lg bg-brand-600 px-4 font-semibold text-white">
            Capture
          </button>
        ) : null}
        {shot ? (
          <>
            <button type="button" onClick={confirm} disabled={busy} className="min-h-11 rounded-lg bg-brand-600 px-4 font-semibold text-white disabled:opacity-60">
              {confirmLabel}
            </button>
            <button type="button" onClick={retake} disabled={busy} className="min-h-11 rounded-lg border border-slate-300 px-3 font-medium disabled:opacity-60">
              Retake
            </button>
          </>
        ) : null}
        {onCancel ? (
          <button type="button" onClick={() => (stop(), onCancel())} className="min-h-11 rounded-lg border border-slate-300 px-3 font-medium">
            Cancel
          </button>
        ) : null}
      </div>
    </div>
  );
}
