import { toYaml } from '../../src/yaml';

export type Obj = Record<string, any>;

export const IMAGE = 'ghcr.io/example/hello:0123456789abcdef0123456789abcdef01234567';

/** A Deployment shaped like the foundation's WebService output: passes every rule. */
export function deployment(name = 'hello', namespace = 'dev'): Obj {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-${namespace}` };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'app',
            image: IMAGE,
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            env: [{ name: 'LOG_LEVEL', value: 'info' }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
            readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
            livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
            securityContext: {
              allowPrivilegeEscalation: false,
              privileged: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
              seccompProfile: { type: 'RuntimeDefault' },
            },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          }],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

export function service(name = 'hello', namespace = 'dev'): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: {
      selector: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-${namespace}` },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function pdb(name = 'hello', namespace = 'dev'): Obj {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace },
    spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-${namespace}` } } },
  };
}

export function application(name = 'hello-dev'): Obj {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL: 'https://github.com/example/deploy.git', targetRevision: 'rendered-manifests', path: 'dev/hello' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'dev' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
}

/** An app folder: objects written one per file, plus a kustomization listing them. */
export function appFolder(folder: string, objects: Obj[], image = IMAGE): Map<string, string> {
  const tree = new Map<string, string>();
  const names: string[] = [];
  for (const o of objects) {
    const file = `${o.kind.toLowerCase()}-${o.metadata?.name ?? 'x'}.yaml`;
    names.push(file);
    tree.set(`${folder}/${file}`, toYaml(o));
  }
  const [repo, tag] = [image.slice(0, image.lastIndexOf(':')), image.slice(image.lastIndexOf(':') + 1)];
  tree.set(`${folder}/kustomization.yaml`, toYaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...names].sort(),
    images: [{ name: repo, newTag: tag }],
  }));
  return tree;
}

/** The good tree: one app in dev, and its Argo CD Application. */
export function goodTree(): Map<string, string> {
  const tree = appFolder('dev/hello', [deployment(), service()]);
  tree.set('argocd/application-hello-dev.yaml', toYaml(application()));
  return tree;
}

/** A deep copy with `mutate` applied. */
export function mutated<T>(value: T, mutate: (v: any) => void): T {
  const copy = JSON.parse(JSON.stringify(value));
  mutate(copy);
  return copy;
}


export function ingress(): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'hello', namespace: 'dev', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['hello.example.com'], secretName: 'hello-tls' }],
      rules: [{ host: 'hello.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'hello', port: { name: 'http' } } } }] } }],
    },
  };
}

export function httpRoute(): Obj {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'hello', namespace: 'dev' },
    spec: {
      parentRefs: [{ name: 'public', namespace: 'gateways', sectionName: 'https' }],
      hostnames: ['hello.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'hello', port: 80 }] }],
    },
  };
}

export function hpa(): Obj {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'hello', namespace: 'dev' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  };
}

export function networkPolicy(): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny', namespace: 'dev' },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  };
}

export function configMap(): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hello-config-5f7k2m9t4b', namespace: 'dev' }, data: { 'app.properties': 'a=1\n' } };
}

export function externalSecret(): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'hello-db', namespace: 'dev' },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
      target: { name: 'hello-db', creationPolicy: 'Owner' },
      data: [{ secretKey: 'password', remoteRef: { key: 'hello/db', property: 'password' } }],
    },
  };
}

export function sealedSecret(): Obj {
  return {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'hello-api', namespace: 'dev' },
    spec: { encryptedData: { token: 'AgBy3i4OJSWK+PiTySYZZA==' }, template: { metadata: { name: 'hello-api' }, type: 'Opaque' } },
  };
}

export function certificate(): Obj {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'hello', namespace: 'dev' },
    spec: { secretName: 'hello-tls', dnsNames: ['hello.example.com'], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt', group: 'cert-manager.io' } },
  };
}
