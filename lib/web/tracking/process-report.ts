/** One assigned partition in a process report. */
export interface ReportedPartition {
  topic: string;
  partition: number;
  highWatermark?: string;
  committedOffset?: string;
  markedOffset?: string;
  lag?: number;
  /** running | paused (by the consumer or a command) | backing_off (after failures) */
  state: 'running' | 'paused' | 'backing_off';
  attempt: number;
  /** Duration of the last successful `consume` call (ms). */
  lastConsumeMs?: number;
  /** Epoch ms since when the `consume` in progress runs. */
  consumingSince?: number;
}

/** One consumer group in a process report. */
export interface ReportedGroup {
  id: string;
  name: string;
  state: string;
  topics: string[];
  crashes: number;
  lastError?: string;
  partitions: ReportedPartition[];
}

/** One route of the process (the Routing page works standalone from these). */
export interface ReportedRoute {
  group: string;
  topic: string;
  kafkaTopic: string;
  consumer: string;
  batch: boolean;
  deadLetterTopic?: string;
  responds: Array<{ topic: string; required: boolean; multiple: boolean }>;
}

/** What each process publishes to the reports topic every interval (key: process id). */
export interface ProcessReport {
  schema: 1;
  id: string;
  host: string;
  pid: number;
  clientId: string;
  version: string;
  startedAt: number;
  /** Epoch ms this report was taken. */
  at: number;
  /** Report interval (ms): a process silent for 3 intervals is stale. */
  interval: number;
  status: string;
  memory: { rss: number; heapUsed: number };
  /** Since the previous report. */
  consumed: number;
  produced: number;
  errors: number;
  /** Commands of the web UI this process accepts. */
  commands: boolean;
  groups: ReportedGroup[];
  routes: ReportedRoute[];
}

/** The small counters of a report, kept a day in the samples topic for the charts. */
export interface ProcessSample {
  id: string;
  at: number;
  consumed: number;
  produced: number;
  errors: number;
  lag: number;
}

/**
 * A process's totals of one hour so far, kept a week in the compacted history topic (key
 * `<process id>@<hour>`: compaction keeps the newest of each hour, one record per process and
 * hour). The charts' per-hour series.
 */
export interface ProcessHour {
  id: string;
  /** Epoch ms of the hour's start. */
  hour: number;
  consumed: number;
  produced: number;
  errors: number;
  /** The process's newest total lag within the hour. */
  lag: number;
}

/** An `error.occurred`, as published to the errors topic. */
export interface ErrorReport {
  process: string;
  at: number;
  type: string;
  errorClass: string;
  message: string;
  stack?: string;
  group?: string;
  /** Route topic. */
  topic?: string;
  /** The topic in Kafka (the explorer's link), when a route maps it. */
  kafkaTopic?: string;
  partition?: number;
  /** The failing message's offset, when the error carries it. */
  offset?: string;
  /**
   * The first offset of the partition not yet processed when the error happened: where the
   * failed `consume` call's messages start (and the retry resumes).
   */
  retryFrom?: string;
  consumer?: string;
}

/** A command of the web UI to the process that owns the partition. */
export interface WebCommand {
  id: string;
  process: string;
  group: string;
  topic: string;
  partition: number;
  action: 'pause' | 'resume' | 'seek';
  offset?: string;
  at: number;
}
