/** Small numeric helpers and the RSS sampler the workers run. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of already sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const MB = 1024 * 1024;

/** Samples process RSS every 50 ms; `stop()` returns the peak in MB. */
export function startRssSampler(intervalMs = 50): { peakMb(): number; stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, intervalMs);
  timer.unref();
  return {
    peakMb: () => round(peak / MB, 1),
    stop: () => {
      clearInterval(timer);
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
      return round(peak / MB, 1);
    },
  };
}

/**
 * Counts consumed messages. Two rates:
 * - `messagesPerSecond`: all messages / (last message - consumer ready), where ready is when
 *   the client has joined its group (kafkajs `run()` resolved; fetching starts right after).
 *   Connecting and the group join are excluded; the first fetch is included. Used for ratios.
 * - `firstToLastMessagesPerSecond`: (all - those of the first delivery) / (last message - first
 *   delivery). Messages fetched together with the first delivery are counted although they
 *   arrived before the clock started, which flatters batch consumers on small topics.
 */
export class ThroughputMeter {
  private count = 0;
  private firstDelivery = 0;
  private readyAt = 0;
  private startedAt = 0;
  private endedAt = 0;
  // Monotonic µs (the clock of .cpuprofile timestamps), to cut a profile to the drain window.
  private readyUs = 0n;
  private endedUs = 0n;
  // CPU time of this process over the drain: on a machine shared with other load, the time a
  // message costs us varies far less than wall-clock throughput does.
  private cpuAtReady?: NodeJS.CpuUsage;
  private cpuUsed?: NodeJS.CpuUsage;
  private resolveDone!: () => void;
  readonly done: Promise<void>;

  constructor(readonly expected: number) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** The consumer joined its group and is about to fetch. */
  ready(): void {
    if (this.readyAt === 0) {
      this.readyAt = performance.now();
      this.readyUs = process.hrtime.bigint() / 1000n;
      this.cpuAtReady = process.cpuUsage();
    }
  }

  add(count: number): void {
    if (this.count === 0) {
      this.startedAt = performance.now();
      this.firstDelivery = count;
    }
    this.count += count;
    if (this.count >= this.expected && this.endedAt === 0) {
      this.endedAt = performance.now();
      this.endedUs = process.hrtime.bigint() / 1000n;
      this.cpuUsed = process.cpuUsage(this.cpuAtReady);
      this.resolveDone();
    }
  }

  get received(): number {
    return this.count;
  }

  result(peakRssMb: number, notes?: Record<string, number | string>): ThroughputFigures {
    const readyAt = this.readyAt === 0 ? this.startedAt : Math.min(this.readyAt, this.startedAt);
    const durationMs = this.endedAt - readyAt;
    const firstToLastMs = this.endedAt - this.startedAt;
    return {
      messages: this.count,
      durationMs: round(durationMs, 1),
      messagesPerSecond: durationMs > 0 ? Math.round((this.count / durationMs) * 1000) : 0,
      firstToLastMs: round(firstToLastMs, 1),
      firstToLastMessagesPerSecond:
        firstToLastMs > 0
          ? Math.round(((this.count - this.firstDelivery) / firstToLastMs) * 1000)
          : 0,
      firstMessageAfterReadyMs: round(this.startedAt - readyAt, 1),
      peakRssMb,
      cpuUsPerMessage:
        this.cpuUsed && this.count
          ? round((this.cpuUsed.user + this.cpuUsed.system) / this.count, 3)
          : 0,
      notes: {
        firstDelivery: this.firstDelivery,
        profileWindowUs: `${this.readyUs}-${this.endedUs}`,
        ...notes,
      },
    };
  }
}

export interface ThroughputFigures {
  messages: number;
  durationMs: number;
  messagesPerSecond: number;
  firstToLastMs: number;
  firstToLastMessagesPerSecond: number;
  firstMessageAfterReadyMs: number;
  peakRssMb: number;
  /** CPU time (user + system) of the process per message over the drain, in µs. */
  cpuUsPerMessage: number;
  notes: Record<string, number | string>;
}
