import type {
  ErrorReport,
  ProcessHour,
  ProcessReport,
  ProcessSample,
  ReportedRoute,
} from '../tracking/process-report.js';

/** One minute of the dashboard's history, summed over processes. */
export interface MinuteBucket {
  minute: number;
  consumed: number;
  produced: number;
  errors: number;
  lag: number;
}

/** One hour of the dashboard's week, summed over processes. */
export interface HourBucket {
  hour: number;
  consumed: number;
  produced: number;
  errors: number;
  lag: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const HISTORY_MINUTES = 24 * 60;
const HISTORY_HOURS = 7 * 24;
const MAX_ERRORS = 1_000;

/**
 * What the pages show, rebuilt from the web topics: the newest report per process, the
 * per-minute history derived from the samples (a day of them is kept in Kafka), the per-hour
 * history from the processes' hourly totals (a week of them in a compacted topic), the newest
 * errors. Pure and synchronous, so pages render from memory without a broker round trip.
 */
export class WebState {
  private readonly reports = new Map<string, ProcessReport>();
  private readonly minutes = new Map<number, MinuteBucket & { lags: Map<string, number> }>();
  private readonly errorList: ErrorReport[] = [];
  /** Newest totals per process and hour (what compaction keeps of the history topic). */
  private readonly processHours = new Map<string, ProcessHour>();

  addReport(report: ProcessReport): void {
    const known = this.reports.get(report.id);
    if (!known || known.at <= report.at) this.reports.set(report.id, report);
  }

  addSample(sample: ProcessSample, now = Date.now()): void {
    const minute = Math.floor(sample.at / MINUTE) * MINUTE;
    if (minute < now - HISTORY_MINUTES * MINUTE) return;
    let bucket = this.minutes.get(minute);
    if (!bucket) {
      bucket = { minute, consumed: 0, produced: 0, errors: 0, lag: 0, lags: new Map() };
      this.minutes.set(minute, bucket);
      if (this.minutes.size > HISTORY_MINUTES + 1) this.dropOldMinutes(now);
    }
    bucket.consumed += sample.consumed;
    bucket.produced += sample.produced;
    bucket.errors += sample.errors;
    // Lag is a level, not a count: the newest value of each process within the minute.
    bucket.lags.set(sample.id, sample.lag);
    let lag = 0;
    for (const value of bucket.lags.values()) lag += value;
    bucket.lag = lag;
  }

  addHour(totals: ProcessHour, now = Date.now()): void {
    const oldest = Math.floor(now / HOUR) * HOUR - (HISTORY_HOURS - 1) * HOUR;
    if (totals.hour < oldest) return;
    this.processHours.set(`${totals.id}@${totals.hour}`, totals);
    if (this.processHours.size % 1_000 === 0) {
      for (const [key, value] of this.processHours) {
        if (value.hour < oldest) this.processHours.delete(key);
      }
    }
  }

  addError(error: ErrorReport): void {
    this.errorList.push(error);
    if (this.errorList.length > MAX_ERRORS)
      this.errorList.splice(0, this.errorList.length - MAX_ERRORS);
  }

  /** Processes seen within the reports' retention, newest report each, by id. */
  processes(): ProcessReport[] {
    return [...this.reports.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  process(id: string): ProcessReport | undefined {
    return this.reports.get(id);
  }

  /** Silent for three report intervals, or reported that it stopped. */
  isStale(report: ProcessReport, now = Date.now()): boolean {
    return report.status === 'stopped' || now - report.at > 3 * report.interval;
  }

  /** Newest first. */
  errors(): ErrorReport[] {
    return [...this.errorList].reverse();
  }

  /** The last `count` minutes, oldest first, empty minutes included. */
  history(count = 60, now = Date.now()): MinuteBucket[] {
    const last = Math.floor(now / MINUTE) * MINUTE;
    const out: MinuteBucket[] = [];
    for (let minute = last - (count - 1) * MINUTE; minute <= last; minute += MINUTE) {
      const bucket = this.minutes.get(minute);
      out.push(
        bucket
          ? {
              minute,
              consumed: bucket.consumed,
              produced: bucket.produced,
              errors: bucket.errors,
              lag: bucket.lag,
            }
          : { minute, consumed: 0, produced: 0, errors: 0, lag: 0 },
      );
    }
    return out;
  }

  /** The last `count` hours (at most a week), oldest first, empty hours included. */
  hours(count = HISTORY_HOURS, now = Date.now()): HourBucket[] {
    const last = Math.floor(now / HOUR) * HOUR;
    const first = last - (Math.min(count, HISTORY_HOURS) - 1) * HOUR;
    const buckets = new Map<number, HourBucket>();
    for (let hour = first; hour <= last; hour += HOUR) {
      buckets.set(hour, { hour, consumed: 0, produced: 0, errors: 0, lag: 0 });
    }
    for (const totals of this.processHours.values()) {
      const bucket = buckets.get(totals.hour);
      if (!bucket) continue;
      bucket.consumed += totals.consumed;
      bucket.produced += totals.produced;
      bucket.errors += totals.errors;
      bucket.lag += totals.lag;
    }
    return [...buckets.values()];
  }

  /** Routes of all live processes, one row per group and topic. */
  routes(now = Date.now()): ReportedRoute[] {
    const routes = new Map<string, ReportedRoute>();
    for (const report of this.processes()) {
      if (this.isStale(report, now) && routes.size) continue;
      for (const route of report.routes) routes.set(`${route.group}\u0000${route.topic}`, route);
    }
    return [...routes.values()].sort(
      (a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic),
    );
  }

  private dropOldMinutes(now: number): void {
    const oldest = now - HISTORY_MINUTES * MINUTE;
    for (const minute of this.minutes.keys()) if (minute < oldest) this.minutes.delete(minute);
  }
}
