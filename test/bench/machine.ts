import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { createRequire } from 'node:module';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGb: number;
  os: string;
  node: string;
  kafkajs: string;
  nestCore: string;
  nestMicroservices: string;
  kafka: string;
  loadAverageAtStart: number[];
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

function packageVersion(name: string): string {
  // Read the file: packages whose `exports` hide package.json cannot be require()d for it.
  try {
    const main = createRequire(import.meta.url).resolve(name);
    const root = main.slice(
      0,
      main.lastIndexOf(`node_modules/${name}/`) + `node_modules/${name}/`.length,
    );
    return (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(kafka: string): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    ramGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    kafkajs: packageVersion('kafkajs'),
    nestCore: packageVersion('@nestjs/core'),
    nestMicroservices: packageVersion('@nestjs/microservices'),
    kafka,
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}
