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
  /**
   * Keep the broker's data folder when it stops (it is deleted by default), and start on the
   * data a previous broker on the same port kept: same cluster id, topics and committed offsets.
   */
  keepData?: boolean;
  /**
   * Also open a SASL_SSL listener (SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN over TLS, with a
   * certificate from a CA made at format time). The PLAINTEXT port stays open for tools.
   */
  secure?: boolean | DevBrokerSecureOptions;
  /** How long to wait for the broker to answer, in ms. Default 90 000. */
  startTimeout?: number;
  /** JVM heap, passed as -Xmx. Default '1g'. */
  heap?: string;
  /** Progress lines (download, format, start). Default: silent. */
  log?: (line: string) => void;
}

/** A SASL user of a secured dev broker. */
export interface DevBrokerUser {
  username: string;
  password: string;
}

/** Options of the secured mode (`secure: true` or these). */
export interface DevBrokerSecureOptions {
  /** Port of the SASL_SSL listener on 127.0.0.1. Default: a free port. */
  port?: number;
  /** Users known to every mechanism. Default: `karafka` / `karafka-secret`. */
  users?: DevBrokerUser[];
}

/** How to reach the SASL_SSL listener of a secured dev broker. */
export interface DevBrokerSecurity {
  /** 127.0.0.1:<port> of the SASL_SSL listener. */
  brokers: string;
  port: number;
  /** PEM of the CA that signed the broker's certificate: clients pass it as `ssl.ca`. */
  caFile: string;
  /** kafkajs mechanism names the listener accepts. */
  mechanisms: string[];
  users: DevBrokerUser[];
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
  /** The KRaft cluster id the storage was formatted with. */
  clusterId?: string;
  /** Set when the broker runs in secured mode. */
  security?: DevBrokerSecurity;
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
  /** A broker stopped on this port with its data kept (for `start --keep-data` or `restart`). */
  kept?: DevBrokerState;
}
