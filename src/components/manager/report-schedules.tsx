"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, useState, useTransition } from "react";
import { z } from "zod";
import { FieldError, FormStatus, dangerButton, fieldProps, formValues, inputClass, primaryButton, useClientId, type FormState } from "@/components/admin/form-bits";
import type { ReportSchedule } from "@/contracts/reports";
import { createReportScheduleAction, deleteReportScheduleAction } from "@/server/reports/reports.actions";

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
const email = z.email();

/** "a@x.com, b@y.com\nc@z.com" → the addresses; the first one that is not an e-mail address is named. */
export function parseRecipients(raw: string): { ok: true; list: string[] } | { ok: false; message: string } {
  const list = raw.split(/[\s,;]+/).filter(Boolean);
  if (list.length === 0) return { ok: false, message: "Add at least one recipient." };
  if (list.length > 20) return { ok: false, message: "At most 20 recipients." };
  const bad = list.find((r) => !email.safeParse(r).success);
  return bad ? { ok: false, message: `“${bad}” is not an e-mail address.` } : { ok: true, list };
}

const label = "flex flex-col gap-1 text-sm font-medium";

/** Create a scheduled e-mail: report, cadence (and weekday), org-local time, format, recipients; errors sit on their field. */
export function ScheduleForm({ timeZone }: { timeZone: string }) {
  const router = useRouter();
  const [clientId, nextClientId] = useClientId();
  // React resets a <form action> after each submit (its selects included): submitted through onSubmit instead, a
  // refused submit keeps everything that was chosen and typed.
  const [choice, setChoice] = useState({ report: "summary", cadence: "weekly", weekday: "1", format: "xlsx" });
  const choose = (k: keyof typeof choice) => (e: { target: { value: string } }) => setChoice({ ...choice, [k]: e.target.value });
  const cadence = choice.cadence;
  const [formKey, setFormKey] = useState(0); // a new form (recipients and time cleared) after each created schedule
  const [state, submit, pending] = useActionState(async (_prev: FormState, fd: FormData): Promise<FormState> => {
    const values = formValues(fd);
    const recipients = parseRecipients(values.recipients ?? "");
    if (!recipients.ok) return { ok: false, message: recipients.message, field: "recipients", values };
    const weekly = values.cadence === "weekly";
    const res = await createReportScheduleAction({
      client_id: clientId,
      report: values.report === "visits" ? "visits" : "summary",
      cadence: weekly ? "weekly" : "daily",
      ...(weekly ? { weekday: Number(values.weekday) } : {}),
      time: values.time ?? "",
      format: values.format === "xlsx" || values.format === "pdf" ? values.format : "csv",
      recipients: recipients.list,
    });
    if (!res.ok) return { ok: false, message: res.error.message.replace(/^[\w.]+: /, ""), field: res.error.field?.split(".")[0], values };
    nextClientId();
    setFormKey((k) => k + 1);
    router.refresh();
    return { ok: true, message: `Schedule created: ${res.data.report} report, ${res.data.cadence} at ${res.data.time}.` };
  }, null);

  return (
    <form
      key={formKey}
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        startTransition(() => submit(fd));
      }}
      aria-labelledby="new-schedule-h" className="grid gap-3 rounded-xl border border-slate-200 bg-white p-3 sm:grid-cols-3 lg:grid-cols-5">
      <h3 id="new-schedule-h" className="font-semibold sm:col-span-3 lg:col-span-5">
        New scheduled e-mail
      </h3>
      <label className={label}>
        Report
        <select name="report" value={choice.report} onChange={choose("report")} className={inputClass}>
          <option value="summary">Summary per rep</option>
          <option value="visits">Visits</option>
        </select>
      </label>
      <label className={label}>
        Cadence
        <select name="cadence" value={cadence} onChange={choose("cadence")} className={inputClass}>
          <option value="daily">Daily</option>
          <option value="weekly">Weekly</option>
        </select>
      </label>
      {cadence === "weekly" ? (
        <label className={label}>
          Weekday
          <select name="weekday" className={inputClass} {...fieldProps(state, "weekday", "sched-weekday-error")} defaultValue={undefined} value={choice.weekday} onChange={choose("weekday")}>
            {WEEKDAYS.map((d, i) => (
              <option key={d} value={i + 1}>
                {d}
              </option>
            ))}
          </select>
          <FieldError state={state} name="weekday" id="sched-weekday-error" />
        </label>
      ) : null}
      <label className={label}>
        Time ({timeZone})
        <input type="time" name="time" required className={inputClass} {...fieldProps(state, "time", "sched-time-error")} defaultValue={state?.values?.time ?? "08:00"} />
        <FieldError state={state} name="time" id="sched-time-error" />
      </label>
      <label className={label}>
        Format
        <select name="format" value={choice.format} onChange={choose("format")} className={inputClass}>
          <option value="csv">CSV</option>
          <option value="xlsx">XLSX</option>
          <option value="pdf">PDF</option>
        </select>
      </label>
      <label className={`${label} sm:col-span-3 lg:col-span-5`}>
        Recipients
        <textarea name="recipients" rows={2} maxLength={5000} className={`${inputClass} py-2`} {...fieldProps(state, "recipients", "sched-recipients-error")} />
        <span className="font-normal text-slate-600">
          E-mail addresses, separated by commas or new lines (at most 20). A daily report covers its day; a weekly one the 7 days ending on its weekday.
        </span>
        <FieldError state={state} name="recipients" id="sched-recipients-error" />
      </label>
      <div className="flex flex-wrap items-center gap-3 sm:col-span-3 lg:col-span-5">
        <button type="submit" className={primaryButton} disabled={pending}>
          {pending ? "Creating…" : "Create schedule"}
        </button>
        <FormStatus state={state} />
      </div>
    </form>
  );
}

const STATUS_STYLE = { sent: "bg-green-100 text-green-900", failed: "bg-red-100 text-red-900", pending: "bg-slate-100 text-slate-800" } as const;

/** The schedules of the caller's scope, each with its delivery history (sent, failed with the reason) and a delete button. */
export function ScheduleList({ schedules }: { schedules: ReportSchedule[] }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [status, setStatus] = useState("");

  function remove(s: ReportSchedule) {
    start(async () => {
      const res = await deleteReportScheduleAction({ id: s.id });
      setStatus(res.ok ? "Schedule deleted." : `Not deleted: ${res.error.message}`);
      if (res.ok) router.refresh();
    });
  }

  return (
    <div className="space-y-2">
      <p role="status" aria-live="polite" className="text-sm text-slate-700">
        {status}
      </p>
      {schedules.length === 0 ? (
        <p className="text-slate-600">No schedules yet.</p>
      ) : (
        <ul className="space-y-2" aria-label="Schedules">
          {schedules.map((s) => {
            const what = `${s.report === "visits" ? "Visits" : "Summary"} report, ${s.cadence === "weekly" ? `weekly on ${WEEKDAYS[(s.weekday ?? 1) - 1]}` : "daily"} at ${s.time}, ${s.format.toUpperCase()}`;
            return (
              <li key={s.id} className="space-y-2 rounded-lg border border-slate-200 bg-white p-3 text-sm">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div className="min-w-0">
                    <p className="font-medium">{what}</p>
                    <p className="break-words text-slate-600">
                      To {s.recipients.join(", ")} · by {s.owner.name}
                    </p>
                  </div>
                  <button type="button" className={dangerButton} disabled={pending} onClick={() => remove(s)} aria-label={`Delete schedule: ${what}`}>
                    Delete
                  </button>
                </div>
                {s.deliveries.length === 0 ? (
                  <p className="text-slate-600">Not sent yet.</p>
                ) : (
                  <table className="w-full text-left text-sm">
                    <caption className="sr-only">Deliveries of this schedule, newest first</caption>
                    <thead className="text-slate-600">
                      <tr>
                        <th scope="col" className="py-1 pr-2 font-medium">
                          Period
                        </th>
                        <th scope="col" className="py-1 pr-2 font-medium">
                          Result
                        </th>
                        <th scope="col" className="py-1 font-medium">
                          Details
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {s.deliveries.map((d) => (
                        <tr key={d.period} className="border-t border-slate-100 align-top">
                          <td className="py-1 pr-2 whitespace-nowrap">{d.period}</td>
                          <td className="py-1 pr-2">
                            <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STATUS_STYLE[d.status]}`}>{d.status}</span>
                          </td>
                          <td className="py-1 break-words text-slate-700">
                            {d.status === "sent" && d.sent_at ? `sent ${d.sent_at.slice(0, 16).replace("T", " ")} UTC` : ""}
                            {d.error ? `${d.error} (attempt ${d.attempts})` : ""}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
