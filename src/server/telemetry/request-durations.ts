import { ValueType, type Attributes, type HrTime } from "@opentelemetry/api";
import { hrTime } from "@opentelemetry/core";
import { AggregationTemporality, DataPointType, type CollectionResult, type MetricProducer } from "@opentelemetry/sdk-metrics";

/**
 * `http.server.request.duration`, aggregated here and handed to the SDK's metric readers as a MetricProducer
 * (docs/decisions/0022-operations-scale-path.md, "Metrics"), instead of a histogram instrument of the SDK's.
 *
 * Why not the SDK's instrument: its `record()` finds the data point by hashing the attribute set on every call (keys
 * sorted, then JSON), after reading the active context and the clock — 6.5–8.5 µs of a nearby request's CPU, a third
 * of what OpenTelemetry cost it (bench/cpu-cost.ts with BENCH_PROFILE=1; bench/README.md, stops 34 and 35). The
 * attribute sets here are few and known: (method, route, status). A request finds its bucket row through one map
 * lookup on the key it already has, and counts into it. The export (every OTEL_METRIC_EXPORT_INTERVAL) builds the
 * same explicit-bucket histogram data points the SDK would, in the temporality the exporter asks for.
 */

/** Bucket bounds in seconds, as the HTTP semantic conventions advise for http.server.request.duration. */
export const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** As the SDK's default cardinality limit: past it, new attribute sets count into one overflow point. */
const CARDINALITY_LIMIT = 2000;
const OVERFLOW: Attributes = { "otel.metric.overflow": true };
const OVERFLOW_KEY = "overflow"; // never a `method status route` key (those hold two spaces)

type Cell = { attributes: Attributes; start: HrTime; counts: number[]; sum: number; count: number; min: number; max: number };
type Snapshot = { counts: number[]; sum: number; count: number };

export class RequestDurations {
  /** `${method} ${status} ${route}` → its cell. */
  private readonly cells = new Map<string, Cell>();
  /** `${method} ${status} ${path}` → its cell: paths naming rows are many, so this is emptied when it fills. */
  private readonly byPath = new Map<string, Cell>();

  constructor(
    private readonly routeOf: (path: string) => string,
    readonly bounds: readonly number[] = DURATION_BUCKETS_S,
  ) {}

  record(method: string, path: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${path}`;
    let cell = this.byPath.get(key);
    if (cell === undefined) {
      if (this.byPath.size >= CARDINALITY_LIMIT) this.byPath.clear();
      cell = this.cellOf(method, this.routeOf(path), status);
      this.byPath.set(key, cell);
    }
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]!) i++; // bounds are inclusive upper bounds
    cell.counts[i]!++;
    cell.sum += seconds;
    cell.count++;
    if (seconds < cell.min) cell.min = seconds;
    if (seconds > cell.max) cell.max = seconds;
  }

  private cellOf(method: string, route: string, status: number): Cell {
    const key = `${method} ${status} ${route}`;
    // A known set keeps its cell; a new one once the limit is reached (one place kept for it) counts as overflow.
    const slot = this.cells.has(key) || this.cells.size < CARDINALITY_LIMIT - 1 ? key : OVERFLOW_KEY;
    let cell = this.cells.get(slot);
    if (cell === undefined) {
      const attributes = slot === OVERFLOW_KEY ? OVERFLOW : { "http.request.method": method, "http.route": route, "http.response.status_code": status };
      cell = { attributes, start: hrTime(), counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0, min: Infinity, max: -Infinity };
      this.cells.set(slot, cell);
    }
    return cell;
  }

  /**
   * A producer for one metric reader. `temporality` is its exporter's choice for histograms (OTLP exporters:
   * cumulative unless OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE says otherwise). Delta points carry no
   * min and max (optional in OTLP): the totals kept here cannot give an interval's extremes.
   */
  producer(temporality: () => AggregationTemporality): MetricProducer {
    const last = new Map<Cell, Snapshot>();
    let lastTime: HrTime | undefined;
    return {
      collect: async (): Promise<CollectionResult> => {
        const endTime = hrTime();
        const delta = temporality() === AggregationTemporality.DELTA;
        const dataPoints = [];
        for (const cell of this.cells.values()) {
          if (!delta) {
            dataPoints.push({
              attributes: cell.attributes,
              startTime: cell.start,
              endTime,
              value: { buckets: { boundaries: [...this.bounds], counts: [...cell.counts] }, sum: cell.sum, count: cell.count, min: cell.min, max: cell.max },
            });
            continue;
          }
          const before = last.get(cell);
          const now: Snapshot = { counts: [...cell.counts], sum: cell.sum, count: cell.count };
          last.set(cell, now);
          const count = now.count - (before?.count ?? 0);
          if (count === 0) continue;
          dataPoints.push({
            attributes: cell.attributes,
            startTime: before && lastTime ? lastTime : cell.start,
            endTime,
            value: { buckets: { boundaries: [...this.bounds], counts: now.counts.map((c, i) => c - (before?.counts[i] ?? 0)) }, sum: now.sum - (before?.sum ?? 0), count },
          });
        }
        lastTime = endTime;
        return {
          errors: [],
          resourceMetrics: {
            // The reader keeps the SDK's resource (service name, host …) and adds these scope metrics to its own.
            resource: undefined as never,
            scopeMetrics:
              dataPoints.length === 0
                ? []
                : [
                    {
                      scope: { name: "fieldbeat" },
                      metrics: [
                        {
                          descriptor: {
                            name: "http.server.request.duration",
                            description: "Duration of API requests, by route, method and status (its count is the request rate).",
                            unit: "s",
                            valueType: ValueType.DOUBLE,
                          },
                          aggregationTemporality: delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
                          dataPointType: DataPointType.HISTOGRAM,
                          dataPoints,
                        },
                      ],
                    },
                  ],
          },
        };
      },
    };
  }
}
