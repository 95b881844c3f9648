/**
 * The deployment files (k8s/, docker-compose.yml, Dockerfile) checked without a cluster or a Docker
 * engine: every Kubernetes object against the Kubernetes schemas (kubernetes-models), every file a
 * kustomization lists, and each service's Deployment / compose service against its config class
 * (environment names, ports, probe paths, volumes, writable paths).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { getMetadataStorage } from 'class-validator';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { CommonConfig } from '@dialer/platform';
import { CampaignApiConfig } from '@dialer/campaign-api';
import { DialerWorkerConfig } from '@dialer/dialer-worker';
import { EventDeliveryConfig } from '@dialer/event-delivery';
import { MetricsAggregatorConfig } from '@dialer/metrics-aggregator';
import { ProviderSimConfig } from '@dialer/provider-sim';
import { SchedulerConfig } from '@dialer/scheduler';
import { WebhookIngestConfig } from '@dialer/webhook-ingest';

const ROOT = resolve(__dirname, '../..');
const K8S = join(ROOT, 'k8s');

type Obj = Record<string, any>;

// ------------------------------------------------------------------------------------------------
// What the files are checked against
// ------------------------------------------------------------------------------------------------

interface ServiceSpec {
  cls: new () => object;
  /** The config property holding the service's HTTP port. */
  portKey?: string;
  /** Config properties naming directories the service writes to. */
  writableDirs: string[];
}

const SERVICES: Record<string, ServiceSpec> = {
  'campaign-api': { cls: CampaignApiConfig, portKey: 'CAMPAIGN_API_PORT', writableDirs: ['IMPORT_DIR'] },
  'webhook-ingest': { cls: WebhookIngestConfig, portKey: 'WEBHOOK_INGEST_PORT', writableDirs: [] },
  'metrics-aggregator': { cls: MetricsAggregatorConfig, portKey: 'METRICS_AGGREGATOR_PORT', writableDirs: [] },
  'dialer-worker': { cls: DialerWorkerConfig, portKey: 'DIALER_WORKER_PORT', writableDirs: [] },
  scheduler: { cls: SchedulerConfig, portKey: 'SCHEDULER_PORT', writableDirs: [] },
  'event-delivery': { cls: EventDeliveryConfig, portKey: 'EVENT_DELIVERY_PORT', writableDirs: [] },
  'provider-sim': { cls: ProviderSimConfig, portKey: 'PROVIDER_SIM_PORT', writableDirs: [] },
};
/** The migration (packages/db/src/cli/migrate.ts, compiled to dist/) reads CommonConfig. */
const MIGRATE: ServiceSpec = { cls: CommonConfig, writableDirs: [] };
const MIGRATE_SCRIPT = 'packages/db/dist/cli/migrate.js';
/** Read by Node itself (or the image), not by a config class. */
const RUNTIME_ENV = new Set(['NODE_OPTIONS', 'NODE_PATH', 'TMPDIR', 'HEALTHCHECK_PORT']);
/** Node's temporary directory (os.tmpdir()): writable in every container of ours. */
const TMP_DIR = '/tmp';
/** Working directory of the images (Dockerfile `WORKDIR /app/services/${SERVICE}`). */
const imageWorkdir = (service: string) => `/app/services/${service}`;

/**
 * The settings a config class declares: its decorated properties (the loader's whitelist), which
 * include the optional ones without a default (SECRETS_KEY), and every property `new` initializes.
 */
const configKeys = (cls: new () => object): Set<string> => new Set([
  ...Object.keys(new cls()),
  ...getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName),
]);
const configDefault = (cls: new () => object, key: string): unknown => (new cls() as Obj)[key];

/** Routes of the operations surface (packages/platform/src/ops-routes.ts), e.g. /healthz. */
const OPS_ROUTES = [...readFileSync(join(ROOT, 'packages/platform/src/ops-routes.ts'), 'utf8').matchAll(/router\.get\('([^']+)'/g)]
  .map((m) => m[1]!);
const servesOpsRoutes = (service: string) =>
  /\bopsRoutes\(/.test(readFileSync(join(ROOT, 'services', service, 'src/app.ts'), 'utf8'));

// ------------------------------------------------------------------------------------------------
// Loading k8s/
// ------------------------------------------------------------------------------------------------

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

interface Doc { file: string; index: number; obj: Obj }

const yamlFiles = walk(K8S).filter((f) => /\.ya?ml$/.test(f)).sort();
const parseErrors: string[] = [];
const docs: Doc[] = yamlFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).flatMap((d, index) => {
    for (const e of [...d.errors, ...d.warnings]) parseErrors.push(`${relative(ROOT, file)}#${index}: ${e.message}`);
    const obj = d.toJS() as Obj | null;
    return obj === null ? [] : [{ file, index, obj }];
  }),
);
const rel = (d: Doc) => `${relative(ROOT, d.file)}#${d.index} (${d.obj.kind} ${d.obj.metadata?.name ?? ''})`;
const kustomizations = docs.filter((d) => d.obj.kind === 'Kustomization');
const objects = docs.filter((d) => d.obj.kind !== 'Kustomization');

/** Model classes by apiVersion/kind; `validate()` throws naming the fields that break the schema. */
const MODELS: Record<string, new (data: any) => object> = {
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};
/** Custom resources kubernetes-models does not know: only their identity is checked. */
const CUSTOM_KINDS = new Set(['keda.sh/v1alpha1/ScaledObject']);

/** Every problem found by `check`, as readable lines (so a failure names file, object and field). */
function problems(check: (report: (msg: string) => void) => void): string[] {
  const out: string[] = [];
  check((msg) => out.push(msg));
  return out;
}

/** `KEY=value` lines of a kustomize env file. */
function envFileKeys(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#')).map((l) => l.slice(0, l.indexOf('=') < 0 ? l.length : l.indexOf('=')));
}

/** Keys of every ConfigMap / Secret by name, over all kustomizations (generators, merges) and manifests. */
function generatedKeys(kind: 'configMapGenerator' | 'secretGenerator'): Map<string, Set<string>> {
  const byName = new Map<string, Set<string>>();
  const add = (name: string, key: string) => byName.set(name, (byName.get(name) ?? new Set()).add(key));
  for (const k of kustomizations) {
    for (const g of (k.obj[kind] ?? []) as Obj[]) {
      for (const env of (g.envs ?? []) as string[]) {
        const file = join(dirname(k.file), env);
        if (existsSync(file)) for (const key of envFileKeys(file)) add(g.name, key);
      }
      for (const lit of (g.literals ?? []) as string[]) add(g.name, lit.slice(0, lit.indexOf('=')));
    }
  }
  const manifestKind = kind === 'configMapGenerator' ? 'ConfigMap' : 'Secret';
  for (const d of objects.filter((o) => o.obj.kind === manifestKind)) {
    for (const key of Object.keys({ ...d.obj.data, ...d.obj.stringData })) add(d.obj.metadata.name, key);
  }
  return byName;
}

interface Workload { doc: Doc; service: string; spec: ServiceSpec; pod: Obj; container: Obj }

/** Our containers (image dialer/<service>) in Deployments and Jobs, with the config class they read. */
function workloads(): Workload[] {
  return objects.filter((d) => d.obj.kind === 'Deployment' || d.obj.kind === 'Job').flatMap((doc) => {
    const pod = doc.obj.spec?.template?.spec ?? {};
    return ((pod.containers ?? []) as Obj[]).flatMap((container) => {
      const m = /^dialer\/([a-z-]+)/.exec(String(container.image));
      if (!m) return [];
      const service = m[1]!;
      const runsMigration = [...(container.command ?? []), ...(container.args ?? [])].join(' ').includes(MIGRATE_SCRIPT);
      const spec = runsMigration ? MIGRATE : SERVICES[service];
      if (!spec) throw new Error(`${rel(doc)}: image ${container.image} is no known service`);
      return [{ doc, service, spec, pod, container }];
    });
  });
}

/** Is `path` on (or below) one of the mount paths? */
const onMount = (path: string, mounts: string[]) =>
  mounts.some((m) => path === m || path.startsWith(m.endsWith('/') ? m : `${m}/`));

// ------------------------------------------------------------------------------------------------
// Kubernetes
// ------------------------------------------------------------------------------------------------

describe('Kubernetes manifests (k8s/)', () => {
  it('when every YAML file in k8s/ is parsed, then it has no syntax errors and holds at least one document', () => {
    expect(yamlFiles.length).toBeGreaterThan(0);
    expect(parseErrors).toEqual([]);
    const empty = yamlFiles.filter((f) => !docs.some((d) => d.file === f));
    expect(empty).toEqual([]);
  });

  it('when a Kubernetes object of a built-in kind is validated against the Kubernetes schema, then it is valid', () => {
    const found = problems((report) => {
      for (const d of objects) {
        const id = `${d.obj.apiVersion}/${d.obj.kind}`;
        const Model = MODELS[id];
        if (CUSTOM_KINDS.has(id)) continue;
        if (!Model) {
          report(`${rel(d)}: no schema for ${id} (add it to MODELS or CUSTOM_KINDS)`);
          continue;
        }
        try {
          (new Model(d.obj) as { validate(): void }).validate();
        } catch (err) {
          report(`${rel(d)}: ${(err as Error).message}`);
        }
      }
    });
    expect(found).toEqual([]);
    expect(objects.filter((d) => MODELS[`${d.obj.apiVersion}/${d.obj.kind}`]).length).toBeGreaterThan(10);
  });

  it('when an object is a custom resource or a Kustomization, then it has apiVersion, kind and (custom resources) a name, and a ScaledObject targets an existing Deployment', () => {
    const found = problems((report) => {
      for (const d of objects.filter((o) => CUSTOM_KINDS.has(`${o.obj.apiVersion}/${o.obj.kind}`))) {
        if (typeof d.obj.metadata?.name !== 'string' || !d.obj.metadata.name) report(`${rel(d)}: metadata.name missing`);
        if (d.obj.kind === 'ScaledObject') {
          const target = d.obj.spec?.scaleTargetRef ?? {};
          if (!objects.some((o) => o.obj.kind === (target.kind ?? 'Deployment') && o.obj.metadata?.name === target.name)) {
            report(`${rel(d)}: scaleTargetRef ${target.kind}/${target.name} does not exist`);
          }
          if (!Array.isArray(d.obj.spec?.triggers) || d.obj.spec.triggers.length === 0) report(`${rel(d)}: no triggers`);
        }
      }
      for (const k of kustomizations) {
        if (k.obj.apiVersion !== 'kustomize.config.k8s.io/v1beta1') report(`${rel(k)}: apiVersion ${k.obj.apiVersion}`);
        if (!/kustomization\.ya?ml$/.test(k.file)) report(`${rel(k)}: a Kustomization outside a kustomization.yaml`);
      }
      for (const d of objects) {
        if (typeof d.obj.apiVersion !== 'string' || typeof d.obj.kind !== 'string') report(`${rel(d)}: apiVersion/kind missing`);
      }
    });
    expect(found).toEqual([]);
    expect(kustomizations.length).toBe(3);
  });

  it('when a kustomization.yaml lists resources, generator files and patches, then each of them exists and each patch target matches an object', () => {
    const found = problems((report) => {
      for (const k of kustomizations) {
        const dir = dirname(k.file);
        const mustExist = (entry: string, what: string) => {
          const p = join(dir, entry);
          if (!existsSync(p)) report(`${rel(k)}: ${what} ${entry} does not exist`);
          else if (statSync(p).isDirectory() && !existsSync(join(p, 'kustomization.yaml'))) {
            report(`${rel(k)}: ${what} ${entry} is a directory without kustomization.yaml`);
          }
        };
        for (const r of (k.obj.resources ?? []) as string[]) mustExist(r, 'resource');
        for (const g of [...(k.obj.configMapGenerator ?? []), ...(k.obj.secretGenerator ?? [])] as Obj[]) {
          for (const f of [...(g.envs ?? []), ...(g.files ?? [])] as string[]) mustExist(f.includes('=') ? f.slice(f.indexOf('=') + 1) : f, `${g.name} file`);
        }
        for (const p of (k.obj.patches ?? []) as Obj[]) {
          if (p.path) mustExist(p.path, 'patch');
          if (!p.path && !p.patch) report(`${rel(k)}: a patch with neither path nor patch`);
          if (p.patch) {
            try {
              parse(p.patch);
            } catch (err) {
              report(`${rel(k)}: patch does not parse: ${(err as Error).message}`);
            }
          }
          if (p.target) {
            const name = p.target.name ? new RegExp(`^(?:${p.target.name})$`) : /.*/;
            if (!objects.some((o) => (!p.target.kind || o.obj.kind === p.target.kind) && name.test(o.obj.metadata?.name ?? ''))) {
              report(`${rel(k)}: patch target ${p.target.kind}/${p.target.name} matches no object`);
            }
          }
        }
      }
    });
    expect(found).toEqual([]);
  });

  it('when a container of ours sets environment variables (env, the generated ConfigMap, the Secret), then each is a setting of its config class', () => {
    const configMaps = generatedKeys('configMapGenerator');
    const secrets = generatedKeys('secretGenerator');
    const all = workloads();
    const found = problems((report) => {
      // Per container: exactly that service's settings.
      for (const w of all) {
        const keys = configKeys(w.spec.cls);
        for (const e of (w.container.env ?? []) as Obj[]) {
          if (!keys.has(e.name) && !RUNTIME_ENV.has(e.name)) report(`${rel(w.doc)}: env ${e.name} is no setting of ${w.spec.cls.name}`);
        }
        for (const from of (w.container.envFrom ?? []) as Obj[]) {
          if (from.prefix) report(`${rel(w.doc)}: envFrom prefix ${from.prefix} renames every setting`);
          if (from.secretRef) {
            const secretKeys = secrets.get(from.secretRef.name);
            if (!secretKeys) report(`${rel(w.doc)}: Secret ${from.secretRef.name} is neither generated nor exemplified`);
            for (const key of secretKeys ?? []) if (!keys.has(key)) report(`${rel(w.doc)}: Secret key ${key} is no setting of ${w.spec.cls.name}`);
          }
          if (from.configMapRef && !configMaps.has(from.configMapRef.name)) report(`${rel(w.doc)}: ConfigMap ${from.configMapRef.name} is not generated`);
        }
      }
      // The shared ConfigMap (one place for operators to edit; each service reads only the keys it
      // knows): every key is a setting of at least one service that loads it.
      for (const [name, mapKeys] of configMaps) {
        const readers = all.filter((w) => ((w.container.envFrom ?? []) as Obj[]).some((f) => f.configMapRef?.name === name));
        for (const key of mapKeys) {
          if (!readers.some((w) => configKeys(w.spec.cls).has(key)) && !RUNTIME_ENV.has(key)) {
            report(`ConfigMap ${name}: ${key} is a setting of none of its readers (${readers.map((w) => w.spec.cls.name).join(', ')})`);
          }
        }
      }
    });
    expect(all.map((w) => w.service).sort()).toEqual(['campaign-api', 'campaign-api', 'dialer-worker', 'event-delivery', 'metrics-aggregator', 'provider-sim', 'scheduler', 'webhook-ingest']);
    expect(found).toEqual([]);
  });

  it('when a service runs in a Deployment, then its container port, probe ports, Service targetPort and scrape port equal its port setting and its probe paths are routes it serves', () => {
    const found = problems((report) => {
      for (const w of workloads().filter((x) => x.doc.obj.kind === 'Deployment')) {
        const portKey = w.spec.portKey!;
        const env = Object.fromEntries(((w.container.env ?? []) as Obj[]).map((e) => [e.name, e.value]));
        const port = Number(env[portKey] ?? configDefault(w.spec.cls, portKey));
        const ports = (w.container.ports ?? []) as Obj[];
        if (ports.length !== 1 || ports[0]!.containerPort !== port) {
          report(`${rel(w.doc)}: containerPort ${ports.map((p) => p.containerPort).join(',')} != ${portKey} ${port}`);
        }
        const resolvePort = (p: unknown) => (typeof p === 'string' ? ports.find((x) => x.name === p)?.containerPort : p);
        for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
          const http = w.container[probe]?.httpGet;
          if (!http) {
            if (probe !== 'startupProbe') report(`${rel(w.doc)}: no ${probe} over HTTP`);
            continue;
          }
          if (resolvePort(http.port) !== port) report(`${rel(w.doc)}: ${probe} port ${http.port} is not ${port}`);
          if (!OPS_ROUTES.includes(http.path) || !servesOpsRoutes(w.service)) report(`${rel(w.doc)}: ${probe} path ${http.path} is not served (ops routes: ${OPS_ROUTES.join(', ')})`);
        }
        const scrape = w.doc.obj.spec.template.metadata?.annotations?.['prometheus.io/port'];
        if (scrape !== undefined && Number(scrape) !== port) report(`${rel(w.doc)}: prometheus.io/port ${scrape} != ${port}`);
        const selector = w.doc.obj.spec.selector?.matchLabels ?? {};
        const svc = objects.find((o) => o.obj.kind === 'Service' && o.obj.metadata?.name === w.doc.obj.metadata.name);
        if (!svc) report(`${rel(w.doc)}: no Service of the same name`);
        for (const sp of (svc?.obj.spec.ports ?? []) as Obj[]) {
          if (resolvePort(sp.targetPort ?? sp.port) !== port) report(`${rel(svc!)}: targetPort ${sp.targetPort} is not ${port}`);
        }
        for (const [k, v] of Object.entries(svc?.obj.spec.selector ?? {})) {
          if (selector[k] !== v) report(`${rel(svc!)}: selector ${k}=${String(v)} does not select the Deployment's pods`);
        }
      }
    });
    expect(OPS_ROUTES).toContain('/healthz');
    expect(found).toEqual([]);
  });

  it('when a container mounts volumes with a read-only root filesystem, then each mount names a declared volume, each claim exists, and every path it writes is on a mount', () => {
    const claims = new Set(objects.filter((o) => o.obj.kind === 'PersistentVolumeClaim').map((o) => o.obj.metadata.name));
    const found = problems((report) => {
      for (const d of objects.filter((o) => o.obj.spec?.template?.spec)) {
        const pod = d.obj.spec.template.spec;
        const volumes = new Set(((pod.volumes ?? []) as Obj[]).map((v) => v.name));
        for (const v of (pod.volumes ?? []) as Obj[]) {
          if (v.persistentVolumeClaim && !claims.has(v.persistentVolumeClaim.claimName)) {
            report(`${rel(d)}: volume ${v.name} claims ${v.persistentVolumeClaim.claimName}, which does not exist`);
          }
        }
        for (const c of (pod.containers ?? []) as Obj[]) {
          for (const m of (c.volumeMounts ?? []) as Obj[]) if (!volumes.has(m.name)) report(`${rel(d)}: mount ${m.name} names no volume`);
        }
      }
      for (const w of workloads()) {
        if (w.container.securityContext?.readOnlyRootFilesystem !== true) {
          report(`${rel(w.doc)}: ${w.container.name} has a writable root filesystem`);
          continue;
        }
        const mounts = ((w.container.volumeMounts ?? []) as Obj[]).filter((m) => !m.readOnly).map((m) => m.mountPath as string);
        const env = Object.fromEntries(((w.container.env ?? []) as Obj[]).map((e) => [e.name, e.value]));
        const cwd = w.container.workingDir ?? imageWorkdir(w.service);
        const writable = [
          { what: 'temporary directory', path: TMP_DIR },
          ...w.spec.writableDirs.map((key) => ({ what: key, path: String(env[key] ?? configDefault(w.spec.cls, key)) })),
        ];
        for (const { what, path } of writable) {
          const abs = isAbsolute(path) ? path : posix.resolve(cwd, path);
          if (!onMount(abs, mounts)) report(`${rel(w.doc)}: ${what} ${abs} is on the read-only root filesystem (mounts: ${mounts.join(', ')})`);
        }
      }
    });
    expect(found).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
// docker-compose.yml and Dockerfile
// ------------------------------------------------------------------------------------------------

describe('docker-compose.yml and Dockerfile', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Obj;
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const stages = [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]!);
  const entries = Object.entries(compose.services as Record<string, Obj>);
  const built = entries.filter(([, s]) => s.build);
  const specOf = (s: Obj): ServiceSpec | undefined => {
    const cmd = ([] as unknown[]).concat(s.command ?? []).join(' ');
    return cmd.includes(MIGRATE_SCRIPT) ? MIGRATE : SERVICES[s.build.args?.SERVICE];
  };
  /** Built services with their config class (an unknown SERVICE fails the build-args test). */
  const ours = built.flatMap(([name, s]) => {
    const spec = specOf(s);
    return spec ? [{ name, s, spec }] : [];
  });
  const envOf = (s: Obj): Record<string, unknown> =>
    Array.isArray(s.environment)
      ? Object.fromEntries((s.environment as string[]).map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]))
      : (s.environment ?? {});

  it('when a compose service is built, then its SERVICE build arg names a services/ folder, its Dockerfile and target stage exist, and its build args are declared', () => {
    const found = problems((report) => {
      for (const [name, s] of built) {
        const build = typeof s.build === 'string' ? { context: s.build } : s.build;
        const service = build.args?.SERVICE;
        if (!service || !existsSync(join(ROOT, 'services', service, 'package.json'))) report(`${name}: SERVICE=${service} is no services/ folder`);
        else if (!SERVICES[service]) report(`${name}: SERVICE=${service} has no config class in this test`);
        const file = join(ROOT, build.context ?? '.', build.dockerfile ?? 'Dockerfile');
        if (!existsSync(file)) report(`${name}: ${relative(ROOT, file)} does not exist`);
        if (build.target && !stages.includes(build.target)) report(`${name}: target stage ${build.target} is not in the Dockerfile (${stages.join(', ')})`);
        for (const arg of Object.keys(build.args ?? {})) {
          if (!new RegExp(`^ARG\\s+${arg}\\b`, 'm').test(dockerfile)) report(`${name}: build arg ${arg} is not an ARG of the Dockerfile`);
        }
      }
      // Stages copied from exist.
      for (const m of dockerfile.matchAll(/--from=(\S+)/g)) {
        if (!stages.includes(m[1]!)) report(`Dockerfile: COPY --from=${m[1]} names no stage`);
      }
    });
    expect(built.length).toBe(8);
    expect(stages).toEqual(expect.arrayContaining(['build', 'deps', 'files', 'runtime']));
    expect(found).toEqual([]);
  });

  it('when a compose service of ours sets environment variables, then each is a setting of its config class', () => {
    const found = problems((report) => {
      for (const { name, s, spec } of ours) {
        const keys = configKeys(spec.cls);
        for (const key of Object.keys(envOf(s))) {
          if (!keys.has(key) && !RUNTIME_ENV.has(key)) report(`${name}: ${key} is no setting of ${spec.cls.name}`);
        }
      }
    });
    expect(found).toEqual([]);
  });

  it('when a compose service of ours publishes a port, then the container port, the PORT build arg and the port setting agree', () => {
    const found = problems((report) => {
      for (const { name, s, spec } of ours) {
        if (!spec.portKey) {
          if (s.ports) report(`${name}: publishes ports but serves none`);
          continue;
        }
        const port = Number(envOf(s)[spec.portKey] ?? configDefault(spec.cls, spec.portKey));
        const published = ((s.ports ?? []) as unknown[]).map((p) => Number(String(p).split(':').pop()));
        if (published.length !== 1 || published[0] !== port) report(`${name}: container port ${published.join(',')} != ${spec.portKey} ${port}`);
        if (Number(s.build.args?.PORT) !== port) report(`${name}: build arg PORT ${s.build.args?.PORT} != ${spec.portKey} ${port}`);
      }
    });
    expect(found).toEqual([]);
  });

  it('when a compose service mounts a named volume, then the volume is declared, and the directories a service writes are on a volume', () => {
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    const found = problems((report) => {
      for (const [name, s] of entries) {
        for (const v of (s.volumes ?? []) as unknown[]) {
          const source = typeof v === 'string' ? v.split(':')[0]! : (v as Obj).source;
          const isNamed = source && !/^[./~$]/.test(source);
          if (isNamed && !declared.has(source)) report(`${name}: volume ${source} is not declared`);
        }
      }
      for (const { name, s, spec } of ours) {
        const mounts = ((s.volumes ?? []) as unknown[]).map((v) => (typeof v === 'string' ? v.split(':')[1]! : (v as Obj).target));
        for (const key of spec.writableDirs) {
          const path = String(envOf(s)[key] ?? configDefault(spec.cls, key));
          const abs = isAbsolute(path) ? path : posix.resolve(s.working_dir ?? imageWorkdir(s.build.args.SERVICE), path);
          if (!onMount(abs, mounts)) report(`${name}: ${key} ${abs} is on no volume (image files are not writable by its user)`);
        }
      }
    });
    expect(found).toEqual([]);
  });

  it('when an image, a compose service or a k8s container of ours runs a command, then it is plain node on compiled JavaScript built from an existing source', () => {
    const cmds = [...dockerfile.matchAll(/^CMD\s+(\[.*\])\s*$/gm)].map((m) => JSON.parse(m[1]!) as string[]);
    const runs: Array<{ where: string; argv: string[]; cwd: string }> = [
      // The image's CMD runs in WORKDIR /app/services/${SERVICE}: checked for every service.
      ...Object.keys(SERVICES).flatMap((service) => cmds.map((argv) => ({ where: `Dockerfile CMD (${service})`, argv, cwd: imageWorkdir(service) }))),
      ...ours.filter(({ s }) => s.command).map(({ name, s }) => ({
        where: `compose ${name}`, argv: ([] as string[]).concat(s.command), cwd: s.working_dir ?? imageWorkdir(s.build.args.SERVICE),
      })),
      ...workloads().filter((w) => w.container.command || w.container.args).map((w) => ({
        where: rel(w.doc), argv: [...(w.container.command ?? []), ...(w.container.args ?? [])] as string[], cwd: w.container.workingDir ?? imageWorkdir(w.service),
      })),
    ];
    const found = problems((report) => {
      for (const { where, argv, cwd } of runs) {
        const [bin, script] = argv;
        if (bin !== 'node' || !script) {
          report(`${where}: runs ${argv.join(' ')}, not node on a compiled file`);
          continue;
        }
        const file = posix.relative('/app', posix.resolve(cwd, script));
        const source = file.replace(/(^|\/)dist\//, '$1src/').replace(/\.js$/, '.ts');
        if (!/(^|\/)dist\/.*\.js$/.test(file) || !existsSync(join(ROOT, source))) report(`${where}: ${file} is not the compiled form of a source file (${source})`);
      }
    });
    expect(cmds).toHaveLength(1);
    expect(runs.filter((r) => r.argv.join(' ').includes(MIGRATE_SCRIPT)).length).toBe(2);
    expect(found).toEqual([]);
  });
});
