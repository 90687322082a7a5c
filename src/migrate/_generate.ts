import { ARGO_FOLDER, ArgoApplicationFit, fitArgoApplication, isArgoApplicationObject } from './_argo-fit';
import { FieldChange } from './_diff';
import { l1ClassFor, l1Interface } from './_k8s-types';
import { LoadedInput, SourceObject } from './_load';
import { fitSecretSource } from './_secret-source-fit';
import { fitTrafficObject, fitTrafficObjects, TrafficConstruct, TrafficFits, WebServiceTarget } from './_traffic-fit';
import { Code, TypeMismatch, literal, str, toL1 } from './_ts';
import { fitWebService, WebServiceFit } from './_web-service-fit';
import { planWorkloads, renderedPatchCode, workloadCode } from './_workload-fit';

/** How one input object is written in code. */
export type MigratedAs = 'WebService' | 'ArgoApplication' | 'ExternalSecret' | 'SealedSecret' | 'L1' | 'ApiObject'
  | TrafficConstruct | 'Worker' | 'ScheduledJob' | 'MigrationJob';

/** One input object and the code it became. */
export interface PlannedObject {
  /** Index in `LoadedInput.objects`. */
  readonly index: number;
  /** How it is written. */
  readonly as: MigratedAs;
  /** The class used (`WebService`, `ArgoApplication`, `k8s.KubeConfigMap`, `ApiObject`). */
  readonly className: string;
  /** The name it renders with (a WebService keeps the Service's name through a patch). */
  readonly name: string;
  /** Why it is not a WebService or typed class, if it could have been. */
  readonly note?: string;
}

/** Options of `generateCode`. */
export interface GenerateOptions {
  readonly app: string;
  readonly env: string;
  readonly namespace: string;
  readonly strict: boolean;
  readonly importFrom: string;
  /** The user gave `--app` or `--env`: Application paths the program does not render map to the app folder. */
  readonly appFolderRequested?: boolean;
  /** JSON patches per object index (strict mode's second pass). */
  readonly patches?: ReadonlyMap<number, readonly FieldChange[]>;
  /**
   * Under `strict`, write the traffic, config and secret constructs
   * (Autoscaler, NetworkAccess, NetworkIsolation, HashedConfigMap,
   * ExternalSecret, SealedSecret) with `RenderedPatch`es undoing what they
   * change; `false` keeps those objects typed k8s objects.
   *
   * @default true
   */
  readonly strictConstructs?: boolean;
}

/** The property of each traffic, config and secret construct holding the object it renders (what `RenderedPatch.of` takes). */
const RENDERED: Record<TrafficConstruct | 'ExternalSecret' | 'SealedSecret', string> = {
  IngressRoute: 'ingress',
  GatewayHttpRoute: 'route',
  Autoscaler: 'hpa',
  NetworkAccess: 'policy',
  NetworkIsolation: 'defaultDeny',
  HashedConfigMap: 'configMap',
  ExternalSecret: 'externalSecret',
  SealedSecret: 'sealedSecret',
};

/** The generated program and what each object became. */
export interface GeneratedCode {
  readonly code: string;
  readonly planned: PlannedObject[];
  /** Why objects were not written as a WebService or a typed class. */
  readonly notes: string[];
}

/** Writes the TypeScript program for the loaded objects. */
export function generateCode(input: LoadedInput, options: GenerateOptions): GeneratedCode {
  const used = { lib: new Set(['AppChart', 'Environment', 'GitOpsApp']), cdk8s: new Set<string>(), k8s: false };
  const body: string[] = [];
  const planned: PlannedObject[] = [];
  const ids = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let n = 2; ids.has(id); n++) id = `${base}-${n}`;
    ids.add(id);
    return id;
  };
  // Names the program declares itself.
  const variables = new Set<string>(['app', 'env', 'chart', 'argocd']);
  const variable = (base: string) => {
    let v = base.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^[^A-Za-z_]+/, '');
    v = v ? v[0].toLowerCase() + v.slice(1) : 'obj';
    const b = v;
    for (let n = 2; variables.has(v); n++) v = `${b}${n}`;
    variables.add(v);
    return v;
  };
  const patchLines = (target: string, index: number): string[] => {
    const changes = options.patches?.get(index) ?? [];
    if (!changes.length) return [];
    used.cdk8s.add('JsonPatch');
    return changes.map(c => {
      if (c.op === 'added') return `${target}.addJsonPatch(JsonPatch.remove(${str(c.pointer)}));`;
      if (c.op === 'removed') return `${target}.addJsonPatch(JsonPatch.add(${str(c.pointer)}, ${literal(c.from, '')}));`;
      return `${target}.addJsonPatch(JsonPatch.replace(${str(c.pointer)}, ${literal(c.from, '')}));`;
    });
  };

  const notes: string[] = [];
  const fit: WebServiceFit | undefined = options.strict ? undefined : pickWebService(input.objects, options, notes);
  const handled = new Set<number>();
  const webVariable = fit ? variable(fit.name) : undefined;
  if (fit) handled.add(fit.deployment).add(fit.service);

  // Workers, scheduled and migration jobs (and the ServiceAccounts and PodDisruptionBudgets they render), --strict included.
  const workloads = planWorkloads(input.objects, handled, {
    ...options,
    becomesAutoscaler: (hpa, deployment) => becomesAutoscaler(hpa, input.objects, deployment, options),
  });
  notes.push(...workloads.notes);
  for (const [index, className] of workloads.covered) {
    handled.add(index);
    planned.push({ index, as: className, className, name: input.objects[index].json.metadata.name });
  }

  // Ingress, HTTPRoute, HPA, NetworkPolicy and ConfigMap objects a construct expresses (under --strict with
  // RenderedPatches undoing what it adds; no WebService there, so no route and nothing pointing at one).
  const constructs = !options.strict || options.strictConstructs !== false;
  const web = fit && webServiceTarget(input, fit, webVariable!);
  const workers = new Map(!constructs ? [] : [...workloads.fits].filter(([, w]) => w.className === 'Worker').map(([index, w]) => [index, {
    variable: variable(String(w.props.name)),
    className: 'Worker' as const,
    name: String(w.props.name),
    selector: { ...input.objects[index].json.spec?.selector?.matchLabels },
  }]));
  const traffic: TrafficFits = !constructs
    ? { fits: new Map(), covered: new Map(), notes: [] }
    : fitTrafficObjects(handled, { ...options, objects: input.objects, web, workloads: [...(web ? [{ ...web, className: 'WebService' as const }] : []), ...workers.values()] });
  notes.push(...traffic.notes);
  const targeted = (v: string | undefined) => v !== undefined && [...traffic.fits.values()].some(f => f.refs.includes(v));
  // An Autoscaler owns the replica count: the workload's would be ignored.
  const scaled = (v: string | undefined) => v !== undefined && [...traffic.fits.values()].some(f => f.className === 'Autoscaler' && f.target === v);
  const withoutReplicas = (props: Record<string, unknown>) => Object.fromEntries(Object.entries(props).filter(([k]) => k !== 'replicas'));
  // Statements pointing at a Worker wait until it is declared (in input order).
  const waiting: { refs: readonly string[]; lines: string[] }[] = [];
  const declared = new Set<string>(webVariable ? [webVariable] : []);
  if (fit) {
    used.lib.add('WebService').add('ImageRef');
    const dep = input.objects[fit.deployment];
    const v = webVariable!;
    body.push(...fit.comments.map(c => `// ${c}`));
    const needsVar = fit.serviceName !== fit.name || targeted(v);
    const props = scaled(v) ? withoutReplicas(fit.props) : fit.props;
    body.push(`${needsVar ? `const ${v} = ` : ''}new WebService(chart, ${str(uniqueId(fit.name))}, ${literal(props)});`);
    if (fit.serviceName !== fit.name) {
      used.cdk8s.add('ApiObject').add('JsonPatch');
      body.push(`// The Service keeps its name (clients reach it as ${fit.serviceName}); WebService would name it ${fit.name}.`);
      body.push(`ApiObject.of(${v}.service).addJsonPatch(JsonPatch.replace('/metadata/name', ${str(fit.serviceName)}));`);
    }
    body.push('');
    planned.push({ index: fit.deployment, as: 'WebService', className: 'WebService', name: dep.json.metadata.name });
    planned.push({ index: fit.service, as: 'WebService', className: 'WebService', name: input.objects[fit.service].json.metadata.name });
  }

  const argoNamespace = argoChartNamespace(input.objects);
  const taken = new Set<string>();
  let argoChart = false;
  input.objects.forEach((o, index) => {
    if (handled.has(index)) return;
    const { apiVersion, kind, metadata } = o.json;
    const name: string = metadata.name;
    const id = uniqueId(`${kind.toLowerCase()}-${name}`);
    if (isArgoApplicationObject(o)) {
      // Applications go to the argocd/ folder (what the root app syncs), whatever class writes them.
      argoChart = true;
      used.lib.add('GitOpsChart');
      const argoOptions = { ...options, appFolderRequested: options.appFolderRequested ?? false, chartNamespace: argoNamespace, taken };
      const argo = fitArgoApplication(o, argoOptions);
      if (typeof argo !== 'string') {
        used.lib.add('ArgoApplication');
        notes.push(...argo.notes);
        body.push(...argo.comments.map(c => `// ${c}`));
        const patches = patchLines('x', index).map(p => p.replace(/^x\./, 'x.apiObject.'));
        emit(`new ArgoApplication(argocd, ${str(id)}, ${literal(argoProps(argo))})`, patches, id);
        planned.push({ index, as: 'ArgoApplication', className: 'ArgoApplication', name });
        return;
      }
      notes.push(argo);
      used.cdk8s.add('ApiObject');
      body.push(`// ${argo}`);
      emit(`new ApiObject(argocd, ${str(id)}, ${literal(o.json)})`, patchLines('x', index), id);
      planned.push({ index, as: 'ApiObject', className: 'ApiObject', name, note: argo });
      return;
    }
    const coveredBy = traffic.fits.get(traffic.covered.get(index) ?? -1);
    if (coveredBy) {
      // Rendered by another object's construct (NetworkIsolation's allow-dns).
      planned.push({ index, as: coveredBy.className, className: coveredBy.className, name });
      return;
    }
    const construct = traffic.fits.get(index);
    if (construct) {
      used.lib.add(construct.className);
      for (const u of construct.uses) used.lib.add(u);
      const constructId = construct.scope === 'env' ? 'network-policy' : id;
      const head = `new ${construct.className}(${construct.scope}, ${str(constructId)}, ${literal(construct.props)})`;
      const calls = construct.calls.join('');
      const expr = head.includes('\n') || head.length + calls.length > 110 ? `${head}${construct.calls.map(c => `\n  ${c}`).join('')}` : `${head}${calls}`;
      // --strict: its own object's differences, and those of the allow-dns policy a NetworkIsolation renders too.
      const changes = [
        { resource: RENDERED[construct.className], changes: options.patches?.get(index) ?? [] },
        ...construct.className === 'NetworkIsolation' ? construct.also.map(a => ({ resource: 'allowDns!', changes: options.patches?.get(a.index) ?? [] })) : [],
      ].filter(c => c.changes.length);
      // Under --strict the workload's Deployment gets the input's replicas back through a patch: say what that costs.
      const said = options.strict && construct.className === 'Autoscaler'
        ? ['The autoscaler owns the replica count: its workload is written without replicas, and --strict patches the input\'s back if it had any '
          + '(remove that patch: with replicas in git, Argo CD\'s self-heal resets each scale-out).']
        : construct.comments;
      const lines = [...said.map(c => `// ${c}`), ...patchedStatement(expr, construct.className, constructId, changes), ''];
      if (construct.refs.every(r => declared.has(r))) body.push(...lines);
      else waiting.push({ refs: construct.refs, lines });
      planned.push({ index, as: construct.className, className: construct.className, name });
      return;
    }
    const workload = workloads.fits.get(index);
    if (workload) {
      const binding = workers.get(index)?.variable;
      const bound = targeted(binding) ? binding : undefined;
      const written = scaled(binding) ? { ...workload, props: withoutReplicas(workload.props) } : workload;
      const statement = workloadCode(written, id, options.patches?.get(index), variable, bound);
      statement.uses.forEach(u => used.lib.add(u));
      body.push(...statement.lines, '');
      if (bound) {
        declared.add(bound);
        for (const w of waiting.filter(x => x.refs.every(r => declared.has(r)))) {
          body.push(...w.lines);
          waiting.splice(waiting.indexOf(w), 1);
        }
      }
      planned.push({ index, as: workload.className, className: workload.className, name });
      return;
    }
    const secretSource = constructs ? fitSecretSource(o, options) : undefined;
    if (secretSource !== undefined && typeof secretSource !== 'string') {
      used.lib.add(secretSource.className);
      for (const u of secretSource.uses) used.lib.add(u);
      const changes = options.patches?.get(index) ?? [];
      const expr = `new ${secretSource.className}(chart, ${str(id)}, ${literal(secretSource.props)})`;
      body.push(...patchedStatement(expr, secretSource.className, id, changes.length ? [{ resource: RENDERED[secretSource.className], changes }] : []), '');
      planned.push({ index, as: secretSource.className, className: secretSource.className, name });
      return;
    }
    if (typeof secretSource === 'string') notes.push(secretSource);
    const className = l1ClassFor(apiVersion, kind);
    const rest = Object.fromEntries(Object.entries(o.json).filter(([k]) => k !== 'apiVersion' && k !== 'kind'));
    let note: string | undefined;
    if (className) {
      try {
        const props = toL1(rest, `${className}Props`, '');
        if (!l1Interface(`${className}Props`)) throw new TypeMismatch('', 'has no props type');
        used.k8s = true;
        const patches = patchLines('x', index);
        const expr = `new k8s.${className}(chart, ${str(id)}, ${literal(props)})`;
        emit(expr, patches, id);
        planned.push({ index, as: 'L1', className: `k8s.${className}`, name });
        return;
      } catch (e) {
        if (!(e instanceof TypeMismatch)) throw e;
        note = `${kind} ${name}: '${e.field}' ${e.why}; kept as a plain ApiObject`;
      }
    } else {
      note = `${apiVersion} ${kind} has no typed class in cdk8s-plus-28; kept as a plain ApiObject (import its CRD with "cdk8s import" for types)`;
    }
    used.cdk8s.add('ApiObject');
    body.push(`// ${note}`);
    const patches = patchLines('x', index);
    emit(`new ApiObject(chart, ${str(id)}, ${literal(o.json)})`, patches, id);
    planned.push({ index, as: 'ApiObject', className: 'ApiObject', name, note });
    notes.push(note);
  });
  // Never dropped: a statement whose workload was not written still renders (and fails loudly).
  for (const rest of waiting) body.push(...rest.lines);

  /** A construct statement; with --strict's differences, bound to a variable and followed by the `RenderedPatch`es undoing them. */
  function patchedStatement(
    expr: string, className: string, id: string, changes: readonly { resource: string; changes: readonly FieldChange[] }[],
  ): string[] {
    if (!changes.length) return [`${expr};`];
    used.lib.add('RenderedPatch');
    const v = variable(id);
    return [
      `const ${v} = ${expr};`,
      `// --strict: undo what ${className} changes, so the output equals the input exactly.`,
      ...changes.flatMap(c => renderedPatchCode(`${v}.${c.resource}`, c.changes)),
    ];
  }

  function emit(expr: string, patches: string[], id: string): void {
    if (!patches.length) {
      body.push(`${expr};`, '');
      return;
    }
    const v = variable(id);
    body.push(`const ${v} = ${expr};`);
    body.push('// --strict: undo what the constructs change, so the output equals the input exactly.');
    body.push(...patches.map(p => p.replace(/^x\./, `${v}.`)), '');
  }

  const imports: string[] = [];
  if (used.cdk8s.size) imports.push(`import { ${[...used.cdk8s].sort().join(', ')} } from 'cdk8s';`);
  if (used.k8s) imports.push("import { k8s } from 'cdk8s-plus-28';");
  imports.push(`import { ${[...used.lib].sort().join(', ')} } from ${str(options.importFrom)};`);

  const envProps: Record<string, unknown> = options.namespace !== options.env ? { namespace: options.namespace } : {};
  const code = [
    `// Migrated by \`cdk8s-gitops migrate${options.strict ? ' --strict' : ''}\` from ${input.files.join(', ')}.`,
    ...imports,
    '',
    '// The validation gate (schemas, YAML safety, policy) is on: synth writes nothing it refuses.',
    'const app = new GitOpsApp();',
    `const env = new Environment(app, ${str(options.env)}${Object.keys(envProps).length ? `, ${literal(envProps)}` : ''});`,
    `const chart = new AppChart(env, ${str(options.app)});`,
    ...(argoChart ? [
      `// The Argo CD Applications: the ${ARGO_FOLDER}/ folder of the rendered tree, synced by your root app.`,
      `const argocd = new GitOpsChart(app, ${str(ARGO_FOLDER)}, ${literal({ folder: ARGO_FOLDER, namespace: argoNamespace })});`,
    ] : []),
    '',
    ...body,
    'app.synth();',
    '',
  ].join('\n');
  return { code, planned, notes };
}

/** ArgoApplication props in the order people read them; `app: chart` when it syncs the app folder. */
function argoProps(fit: ArgoApplicationFit): Record<string, unknown> {
  const props: Record<string, unknown> = { ...fit.props, ...(fit.useApp ? { app: new Code('chart') } : {}) };
  const order = PROP_ORDER.filter(k => k in props);
  return Object.fromEntries([...order, ...Object.keys(props).filter(k => !order.includes(k))].map(k => [k, props[k]]));
}

const PROP_ORDER = [
  'name', 'app', 'repoURL', 'targetRevision', 'path', 'checkPath', 'project', 'server', 'namespace', 'argoNamespace',
  'labels', 'annotations', 'automated', 'prune', 'selfHeal', 'allowEmpty', 'allowEmptyWithPrune', 'syncOptions', 'retry', 'cascadeDelete',
];

/** Namespace of the argocd chart: the Applications' most common one, else 'argocd'. */
function argoChartNamespace(objects: readonly SourceObject[]): string {
  const counts = new Map<string, number>();
  for (const o of objects.filter(isArgoApplicationObject)) {
    const ns = o.json.metadata?.namespace;
    if (typeof ns === 'string') counts.set(ns, (counts.get(ns) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'argocd';
}

/** The WebService as the traffic fits see it. */
function webServiceTarget(input: LoadedInput, fit: WebServiceFit, variable: string): WebServiceTarget {
  const dep = input.objects[fit.deployment].json;
  const port = input.objects[fit.service].json.spec.ports[0];
  return {
    variable,
    name: fit.name,
    serviceName: fit.serviceName,
    servicePort: fit.props.servicePort as number,
    servicePortName: port.name,
    selector: { ...dep.spec?.selector?.matchLabels },
  };
}

function pickWebService(objects: readonly SourceObject[], options: GenerateOptions, notes: string[]): WebServiceFit | undefined {
  const deployments = objects.map((o, i) => [o, i] as const).filter(([o]) => o.json.kind === 'Deployment');
  const services = objects.map((o, i) => [o, i] as const).filter(([o]) => o.json.kind === 'Service');
  // Prefer the Deployment named after the app: WebService's selector labels are per app.
  deployments.sort(([a], [b]) => Number(b.json.metadata?.name === options.app) - Number(a.json.metadata?.name === options.app));
  for (const [dep, di] of deployments) {
    for (const [svc, si] of services) {
      const fit = fitWebService(dep, di, svc, si, options);
      if (typeof fit !== 'string') {
        // A WebService writes its replicas: with an HPA no Autoscaler expresses, each sync would reset the scale.
        const why = `Deployment ${fit.name} + Service ${svc.json.metadata?.name} stay typed k8s objects, not a WebService`;
        const owner = unexpressedAutoscaler(objects, fit.name, options);
        if (owner) {
          notes.push(`${why}: 'spec.replicas' is owned by HorizontalPodAutoscaler ${owner.json.metadata?.name} (${owner.file}#${owner.document}), and a WebService writes its replicas`);
          continue;
        }
        // With 2 or more replicas (or an autoscaler's minimum) a WebService renders its PodDisruptionBudget: one of that name would collide.
        const scaler = objects.find(o => o.json.kind === 'HorizontalPodAutoscaler' && o.json.spec?.scaleTargetRef?.name === fit.name);
        // (An HPA here becomes the Autoscaler: its minimum replaces the replicas.)
        const replicas = Number(scaler ? scaler.json.spec?.minReplicas ?? 1 : fit.props.replicas ?? 1);
        const budget = objects.find(o => o.json.kind === 'PodDisruptionBudget' && o.json.metadata?.name === fit.name
          && (o.json.metadata.namespace ?? options.namespace) === options.namespace);
        if (budget && replicas >= 2) {
          notes.push(`${why}: with ${replicas} replicas a WebService renders its own PodDisruptionBudget ${fit.name}, and ${budget.file}#${budget.document} is one already`);
          continue;
        }
        return fit;
      }
      if (!fit.includes('does not select')) notes.push(fit);
    }
  }
  return undefined;
}

/**
 * The HorizontalPodAutoscaler scaling Deployment `deployment` that does not
 * become an `Autoscaler` of its workload (a second one, or one the construct
 * cannot express), if any: that workload would then write the replicas the
 * HPA owns.
 */
function unexpressedAutoscaler(objects: readonly SourceObject[], deployment: string, options: GenerateOptions): SourceObject | undefined {
  const scalers = objects.filter(o => o.json.kind === 'HorizontalPodAutoscaler' && o.json.spec?.scaleTargetRef?.kind === 'Deployment'
    && o.json.spec.scaleTargetRef.name === deployment);
  if (scalers.length > 1) return scalers[1];
  return scalers.find(hpa => !becomesAutoscaler(hpa, objects, deployment, options));
}

/** Whether `hpa` becomes an `Autoscaler` of the workload of Deployment `deployment`. */
function becomesAutoscaler(hpa: SourceObject, objects: readonly SourceObject[], deployment: string, options: GenerateOptions): boolean {
  const fit = fitTrafficObject(hpa.json, 0, { ...options, objects, workloads: [{ variable: 'w', className: 'Worker', name: deployment, selector: {} }] });
  return typeof fit === 'object' && fit.className === 'Autoscaler';
}
