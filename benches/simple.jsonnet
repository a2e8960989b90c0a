// The peer of Slipway's simple workload (`cargo run --release --example gen_platform -- N DIR --simple`):
// for each of N services a ServiceAccount, a Deployment, a Service, an HPA and an ArgoCD Application, one
// environment (`dev`), the same fields and values as `slipway build` writes for that platform. Checks,
// headers, the environment's README and the platform objects Slipway adds are not reproduced.
//
//   jrsonnet --tla-code n=1000 -S -m OUT benches/simple.jsonnet
//
// One YAML file per object (`-S`: each value is the file's text, from std.manifestYamlDoc), all in OUT
// itself: jrsonnet's `-m` makes no directories.
function(n=1000)
  local name(i) = 'service-%05d' % i;
  local labels(service) = {
    'app.kubernetes.io/instance': 'dev-' + service,
    'app.kubernetes.io/managed-by': 'slipway',
    'app.kubernetes.io/name': service,
    'app.kubernetes.io/part-of': 'bench',
    'app.kubernetes.io/version': '1.0.0',
  };
  local selector(service) = {
    'app.kubernetes.io/instance': 'dev-' + service,
    'app.kubernetes.io/name': service,
  };
  local metadata(service) = { labels: labels(service), name: service, namespace: 'bench' };
  local probe(path, delay, period) = {
    failureThreshold: 3,
    httpGet: { path: path, port: 'http' },
    initialDelaySeconds: delay,
    periodSeconds: period,
    timeoutSeconds: 2,
  };
  local objects(service) = {
    ['serviceaccount-%s.yaml' % service]: {
      apiVersion: 'v1',
      automountServiceAccountToken: false,
      kind: 'ServiceAccount',
      metadata: metadata(service),
    },
    ['deployment-%s.yaml' % service]: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(service),
      spec: {
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector(service) },
        template: {
          metadata: { labels: labels(service) },
          spec: {
            automountServiceAccountToken: false,
            containers: [{
              image: 'registry.example.com/bench/%s:1.0.0' % service,
              imagePullPolicy: 'IfNotPresent',
              livenessProbe: probe('/healthz', 5, 10),
              name: service,
              ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
              readinessProbe: probe('/readyz', 2, 5),
              resources: {
                limits: { cpu: '250m', memory: '128Mi' },
                requests: { cpu: '50m', memory: '64Mi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
              },
              volumeMounts: [{ mountPath: '/tmp', name: 'tmp' }],
            }],
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            serviceAccountName: service,
            volumes: [{ emptyDir: {}, name: 'tmp' }],
          },
        },
      },
    },
    ['service-%s.yaml' % service]: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(service),
      spec: {
        ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 'http' }],
        selector: selector(service),
        type: 'ClusterIP',
      },
    },
    ['horizontalpodautoscaler-%s.yaml' % service]: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: metadata(service),
      spec: {
        maxReplicas: 3,
        metrics: [{
          resource: { name: 'cpu', target: { averageUtilization: 80, type: 'Utilization' } },
          type: 'Resource',
        }],
        minReplicas: 1,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: service },
      },
    },
    ['application-dev-%s.yaml' % service]: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        annotations: { 'argocd.argoproj.io/sync-wave': '0' },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
        labels: {
          'app.kubernetes.io/instance': 'dev-root',
          'app.kubernetes.io/managed-by': 'slipway',
          'app.kubernetes.io/name': 'root',
          'app.kubernetes.io/part-of': 'bench',
        },
        name: 'dev-' + service,
        namespace: 'argocd',
      },
      spec: {
        destination: { namespace: 'bench', server: 'https://kubernetes.default.svc' },
        project: 'bench-dev',
        source: {
          path: 'out/dev/services/' + service,
          repoURL: 'https://git.example.com/bench/gitops.git',
          targetRevision: 'main',
        },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          retry: { backoff: { duration: '5s', factor: 2, maxDuration: '3m' }, limit: 5 },
          syncOptions: ['CreateNamespace=true', 'PruneLast=true'],
        },
      },
    },
  };
  local files = std.flattenArrays([
    local these = objects(name(i));
    [[file, these[file]] for file in std.objectFields(these)]
    for i in std.range(0, n - 1)
  ]);
  { [file[0]]: std.manifestYamlDoc(file[1], quote_keys=false) for file in files }
