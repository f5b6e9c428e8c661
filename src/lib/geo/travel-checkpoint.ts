import { candidateIndices, judgeCandidates, TrailBeyondCheckpoint, TRAVEL_FILTER, TravelWalk, type Fix, type WalkState } from "./travel-filter";

/**
 * The day's kilometres kept incrementally (docs/decisions/0013, "Day's km incremental"): the travel filter resumed from
 * a checkpoint K instead of re-run over the whole day on every ping batch, with exactly the whole day's result.
 *
 * Why it is exact. The outlier pass judges a candidate from the last non-outlier before it, the next two candidates
 * and the pace of the moves ten candidates either side, so once ten candidates follow K, no verdict at or before K can
 * change while fixes keep arriving after K (tests/unit/travel-filter-checkpoint.test.ts checks that lemma on real
 * tracks). The walk is a deterministic state machine over (fix, verdict) in captured_at, id order, so its state after K
 * is then the whole day's too. A checkpoint stores that state — the walk's (last kept fix, suspects, the tail of the
 * counted legs with their metres, how many legs and metres came before the tail) and the outlier pass's (the ten
 * candidates before K, K, and the last non-outlier) — and a batch whose fixes all sort after K resumes from it,
 * reading only the fixes after K. Anything else recomputes the day and stores a new checkpoint: a fix sorting at or
 * before K (a late batch), no checkpoint yet, or a walk that takes back more legs than the tail holds (a chain of
 * spikes longer than `TAIL_LEGS`, which throws `TrailBeyondCheckpoint`).
 */

/** A stored fix in the day's order: its ping id and captured_at in microseconds since the epoch (the exact order key). */
export type DayFix = Fix & { id: number; us: number };

/** Counted legs kept in the checkpoint with their metres; older ones are summed into `sealedM`. */
export const TAIL_LEGS = 16;

type StoredFix = [id: number, lat: number, lon: number, accuracy_m: number, t: number];

export type TravelCheckpoint = {
  v: 1;
  /** The checkpoint fix K: a resumed run reads the fixes sorting after it. */
  k: { id: number; us: number };
  /**
   * The day's last candidate when K was chosen (ten candidates after it): the verdicts up to K read the candidates up
   * to here, so a batch may resume only when all its fixes sort after it (`canResume`).
   */
  tip: { id: number; us: number };
  /** Every fix the fields below name. */
  fixes: StoredFix[];
  /** The candidates up to K (the last is K): the outlier pass's look-back. */
  ctx: number[];
  /** The last candidate at or before K judged not an outlier. */
  p: number;
  /** The walk after K. */
  last: number | null;
  suspects: number[];
  legs: [from: number, to: number, m: number][];
  hiddenLegs: number;
  sealedM: number;
};

/** A leg by its fixes' ping ids. */
export type LegIds = [from: number, to: number];

/** The filter's run over the day's fixes (or over the fixes after a checkpoint), before the new legs are measured. */
export type TravelRun = {
  /** The fixes the run saw (the checkpoint's and those read): where the unmeasured legs' ends are. */
  fixes: readonly DayFix[];
  /** Counted legs at the end of the day so far, after `endHidden` legs (metres `hiddenM`) not in the list. */
  endLegs: LegIds[];
  endHidden: number;
  hiddenM: number;
  /** Legs whose metres are not known yet (measure them on the spheroid, then `finish`). */
  unmeasured: LegIds[];
  finish(metres: ReadonlyMap<string, number>): { meters: number; legCount: number; checkpoint: TravelCheckpoint | null };
};

export const legKey = (from: number, to: number) => `${from}:${to}`;

const after = (f: { id: number; us: number }, k: { id: number; us: number }) => f.us > k.us || (f.us === k.us && f.id > k.id);

/** Whether a batch that stored `added` can resume from `cp`: every new fix sorts after the checkpoint's tip. */
export function canResume(cp: TravelCheckpoint | null | undefined, added: readonly { id: number; us: number }[]): cp is TravelCheckpoint {
  return !!cp && cp.v === 1 && !!cp.k && !!cp.tip && added.every((f) => after(f, cp.tip));
}

/** The fixes a resumed run reads: those sorting after K. */
export const afterCheckpoint = (cp: TravelCheckpoint, f: { id: number; us: number }) => after(f, cp.k);

/** The whole day from scratch (the fixes in captured_at, id order). */
export function runDay(fixes: readonly DayFix[], opts = TRAVEL_FILTER): TravelRun {
  return walkFrom(null, fixes, opts);
}

/**
 * Resumes from a checkpoint with the fixes sorting after K (in order). Null when it cannot — the walk would take back
 * legs older than the tail (`TrailBeyondCheckpoint`), or the stored checkpoint is not one this code wrote (edited by
 * hand, an older shape): then run the whole day, which stores a fresh checkpoint.
 */
export function resumeDay(cp: TravelCheckpoint, after: readonly DayFix[], opts = TRAVEL_FILTER): TravelRun | null {
  if (cp.v !== 1) return null;
  try {
    return walkFrom(cp, after, opts);
  } catch (e) {
    if (e instanceof TrailBeyondCheckpoint || e instanceof TypeError) return null;
    throw e;
  }
}

function walkFrom(cp: TravelCheckpoint | null, window: readonly DayFix[], opts: typeof TRAVEL_FILTER): TravelRun {
  // The walk's fixes: the checkpoint's (all at or before K), then the window's (all after K).
  const stored = new Map<number, DayFix>();
  for (const [id, lat, lon, accuracy_m, t] of cp?.fixes ?? []) stored.set(id, { id, lat, lon, accuracy_m, t, us: Math.round(t * 1000) });
  const prelude = [...stored.values()];
  const all: DayFix[] = [...prelude, ...window];
  const pos = new Map<number, number>(prelude.map((f, i) => [f.id, i]));
  const at = (id: number) => pos.get(id)!;
  const base = prelude.length;

  // The outlier pass: the checkpoint's candidates as context, then the window's.
  const ctx = (cp?.ctx ?? []).map((id) => stored.get(id)!);
  const winCand = candidateIndices(window, opts, ctx.length ? ctx[ctx.length - 1]!.t : -Infinity);
  const cands: DayFix[] = [...ctx, ...winCand.map((i) => window[i]!)];
  const from = cp ? ctx.length : 1;
  const prev = cp ? stored.get(cp.p) : cands[0];
  const judged = judgeCandidates(cands, from, prev, opts);
  const outliers = new Set<number>();
  for (const q of judged) outliers.add(base + winCand[q - ctx.length]!);

  // The new checkpoint K': ten candidates before the last. Before the old K it would need state the run does not have:
  // the old checkpoint stays.
  const kq = cands.length - 1 - opts.paceFixes;
  const newK = kq >= ctx.length ? cands[kq]! : null;

  const init: WalkState | undefined = cp
    ? { last: cp.last == null ? -1 : at(cp.last), suspects: cp.suspects.map(at), legs: cp.legs.map(([a, b]) => [at(a), at(b)]), hiddenLegs: cp.hiddenLegs }
    : undefined;
  const walk = new TravelWalk(all, opts, outliers, init);
  let snap: WalkState | null = null;
  const kIndex = newK ? base + winCand[kq - ctx.length]! : -1;
  for (let i = base; i < all.length; i++) {
    walk.step(i);
    if (i === kIndex) snap = walk.state();
  }
  const end = walk.state();
  const ids = (l: [number, number]): LegIds => [all[l[0]]!.id, all[l[1]]!.id];
  const known = new Map<string, number>((cp?.legs ?? []).map(([a, b, m]) => [legKey(a, b), m]));
  const endLegs = end.legs.map(ids);
  const snapLegs = snap ? snap.legs.map(ids) : [];
  const unmeasured = new Map<string, LegIds>();
  for (const l of [...endLegs, ...snapLegs]) if (!known.has(legKey(...l))) unmeasured.set(legKey(...l), l);
  const hiddenLegs = cp?.hiddenLegs ?? 0;
  const hiddenM = cp?.sealedM ?? 0;

  return {
    fixes: all,
    endLegs,
    endHidden: hiddenLegs,
    hiddenM,
    unmeasured: [...unmeasured.values()],
    finish(metres) {
      const m = (l: LegIds) => {
        const k = legKey(...l);
        const v = known.get(k) ?? metres.get(k);
        if (v === undefined) throw new Error(`leg ${k} was not measured`);
        return v;
      };
      const meters = endLegs.reduce((s, l) => s + m(l), hiddenM);
      let checkpoint: TravelCheckpoint | null = cp;
      if (snap && newK) {
        const sealedCount = Math.max(0, snapLegs.length - TAIL_LEGS);
        const tail = snapLegs.slice(sealedCount);
        const sealedM = snapLegs.slice(0, sealedCount).reduce((s, l) => s + m(l), hiddenM);
        const ctxIds = cands.slice(Math.max(0, kq - opts.paceFixes), kq + 1).map((f) => f.id);
        // The last candidate at or before K' judged not an outlier (the context's own when none after it is).
        let p = prev?.id ?? newK.id;
        for (let q = kq; q >= from; q--) {
          if (!judged.has(q)) {
            p = cands[q]!.id;
            break;
          }
        }
        const last = snap.last < 0 ? null : all[snap.last]!.id;
        const suspects = snap.suspects.map((i) => all[i]!.id);
        const named = new Set<number>([...ctxIds, p, ...(last == null ? [] : [last]), ...suspects, ...tail.flat()]);
        const byId = new Map(all.map((f) => [f.id, f]));
        checkpoint = {
          v: 1,
          k: { id: newK.id, us: newK.us },
          tip: { id: cands[cands.length - 1]!.id, us: cands[cands.length - 1]!.us },
          fixes: [...named].map((id) => {
            const f = byId.get(id)!;
            return [id, f.lat, f.lon, f.accuracy_m, f.t];
          }),
          ctx: ctxIds,
          p,
          last,
          suspects,
          legs: tail.map(([a, b]) => [a, b, m([a, b])]),
          hiddenLegs: hiddenLegs + sealedCount,
          sealedM,
        };
      }
      return { meters, legCount: hiddenLegs + endLegs.length, checkpoint };
    },
  };
}
