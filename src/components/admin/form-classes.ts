/** The admin forms' control styles: plain strings, importable by server and client components alike. */
export const inputClass = "min-h-11 rounded-lg border border-slate-300 px-3 text-base aria-[invalid=true]:border-red-600";
export const primaryButton = "min-h-11 rounded-lg bg-brand-600 px-4 font-semibold text-white disabled:opacity-60";
export const secondaryButton = "min-h-11 rounded-lg border border-slate-300 px-3 font-medium hover:bg-slate-50 disabled:opacity-60";
export const dangerButton = "min-h-11 rounded-lg border border-red-300 px-3 font-medium text-red-700 hover:bg-red-50 disabled:opacity-60";
