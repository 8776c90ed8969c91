/** Options of the local development broker (`karafka broker start`, the test setup). */
export interface DevBrokerOptions {
  /** Client port on 127.0.0.1. 0 picks a free port. Default 9092. */
  port?: number;
  /** KRaft controller port on 127.0.0.1. Default: a free port. */
  controllerPort?: number;
  /** Apache Kafka version resolved from Maven Central. Default {@link DEFAULT_KAFKA_VERSION}. */
  kafkaVersion?: string;
  /**
   * Folder for the downloaded jars, state files and logs.
   * Default: `$KARAFKA_HOME`, else `.karafka` in the current directory.
   */
  home?: string;
  /** Keep the broker's data folder when it stops (it is deleted by default). */
  keepData?: boolean;
  /** How long to wait for the broker to answer, in ms. Default 90 000. */
  startTimeout?: number;
  /** JVM heap, passed as -Xmx. Default '1g'. */
  heap?: string;
  /** Progress lines (download, format, start). Default: silent. */
  log?: (line: string) => void;
}

/** The Kafka version the local broker runs unless told otherwise. */
export const DEFAULT_KAFKA_VERSION = '4.1.1';
/** The port the local broker listens on unless told otherwise. */
export const DEFAULT_BROKER_PORT = 9092;

/** What is recorded about a running broker, in `<home>/brokers/<port>.json`. */
export interface DevBrokerState {
  pid: number;
  port: number;
  controllerPort: number;
  brokers: string;
  kafkaVersion: string;
  logFile: string;
  dataDir: string;
  keepData: boolean;
  startedAt: string;
}

/** Whether a local broker runs and answers, and where its files are. */
export interface DevBrokerStatus {
  /** 127.0.0.1:<port> */
  brokers: string;
  /** A broker recorded by us runs (its JVM is alive). */
  running: boolean;
  /** Something answers a Kafka metadata request on the port (ours or not). */
  reachable: boolean;
  state?: DevBrokerState;
  clusterId?: string;
}
