// One capability's functions, HTTP routes and event rules (capability = the folder in functions/<capability>/),
// in a nested stack of its own so each stays far below CloudFormation's 500-resource limit as routes are added.
import { basename, extname } from 'node:path';
import { CfnParameter, NestedStack, Validations } from 'aws-cdk-lib';
import {
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  type IHttpApi,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { EventRuleDef } from '#shared/platform/event-rules.ts';
import { type Grants, type RouteDef, routeKey } from '#shared/platform/routes.ts';
import { TABLES, type TableName } from '#shared/platform/tables.ts';
import { AppFunction } from './app-function.ts';

/** Where import uploads land in the imports bucket; the handlers write `imports/<jobId>.csv`. */
export const IMPORTS_PREFIX = 'imports/';

/** The parent stack's pieces a capability's functions may be granted. */
export interface SharedResources {
  api: IHttpApi;
  bus: IEventBus;
  importsBucket: IBucket;
  tables: Record<TableName, ITable>;
  /** Runtime settings (shared/platform/config.ts) every function gets. */
  settings: Record<string, string>;
}

export interface CapabilityStackProps {
  capability: string;
  routes: readonly RouteDef[];
  eventRules: readonly EventRuleDef[];
  shared: SharedResources;
}

export class CapabilityStack extends NestedStack {
  /** Each route's function by route key ('GET /residents/{nik}'), each event rule's by rule name. */
  readonly routeFunctions = new Map<string, AppFunction>();
  readonly ruleFunctions = new Map<string, AppFunction>();
  private readonly shared: SharedResources;
  private readonly importsBucket?: IBucket;

  constructor(scope: Construct, id: string, props: CapabilityStackProps) {
    const usesImports = [...props.routes, ...props.eventRules].some((def) => def.grants.imports);
    super(scope, id, {
      description: `SehatKota ${props.capability}: functions, routes and event rules`,
      // By name rather than as a cross-stack token, so the template (and cdk-nag's finding) names it plainly.
      parameters: usesImports ? { ImportsBucketName: props.shared.importsBucket.bucketName } : undefined,
    });
    this.shared = props.shared;
    if (usesImports) {
      const name = new CfnParameter(this, 'ImportsBucketName', { type: 'String' });
      this.importsBucket = Bucket.fromBucketName(this, 'ImportsBucket', name.valueAsString);
    }
    const service = {
      POWERTOOLS_SERVICE_NAME: `sehatkota-${props.capability}`,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    const environment = { ...service, ...props.shared.settings };
    const ids = new Set<string>();
    const idOf = (handler: string) => {
      const id = pascalCase(basename(handler, extname(handler)));
      if (ids.has(id))
        throw new Error(`${handler}: one handler file per route or event rule (${id} is taken)`);
      ids.add(id);
      return id;
    };

    for (const route of props.routes) {
      const key = routeKey(route);
      const id = idOf(route.handler);
      const fn = new AppFunction(this, id, { ...runtimeOf(route), description: key, environment });
      this.bind(fn, route.grants);
      const httpRoute = new HttpRoute(this, `${id}Route`, {
        httpApi: props.shared.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${id}Integration`, fn.function),
        // Every other route keeps the API's default JWT authorizer; roles are checked in the handler.
        ...(route.roles === 'public' ? { authorizer: new HttpNoneAuthorizer() } : {}),
      });
      if (route.roles === 'public') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${key} is declared public in shared/platform/routes.ts: it serves callers without an account.`,
        });
      }
      this.routeFunctions.set(key, fn);
    }

    for (const rule of props.eventRules) {
      const id = idOf(rule.handler);
      const fn = new AppFunction(this, id, {
        ...runtimeOf(rule),
        description: rule.description,
        environment,
      });
      this.bind(fn, rule.grants);
      new Rule(this, `${id}Rule`, {
        description: rule.description,
        eventBus: rule.bus === 'app' ? props.shared.bus : undefined,
        eventPattern: this.eventPattern(rule),
        targets: [new LambdaFunction(fn.function)],
      });
      this.ruleFunctions.set(rule.name, fn);
    }
  }

  /** Exactly the grants a route or rule declares, each with the environment variable that names its resource. */
  private bind(fn: AppFunction, grants: Grants): void {
    const { tables, bus } = this.shared;
    const indexNames = TABLES.registry.indexes.map((index) => index.name);
    if (grants.registry) fn.bindTable(tables.registry, TABLES.registry.envVar, grants.registry, indexNames);
    if (grants.audit) fn.bindTable(tables.audit, TABLES.audit.envVar, 'append');
    if (grants.idempotency) fn.bindTable(tables.idempotency, TABLES.idempotency.envVar, 'records');
    if (grants.bus) fn.bindBus(bus);
    if (grants.notify) fn.allowSms();
    if (grants.imports && this.importsBucket) {
      const action = grants.imports === 'presignPut' ? 's3:PutObject' : 's3:GetObject';
      fn.bindObjects(this.importsBucket, 'IMPORTS_BUCKET', action, IMPORTS_PREFIX);
    }
  }

  private eventPattern(rule: EventRuleDef): EventPattern {
    const { source, 'detail-type': detailType, detail } = rule.pattern;
    // S3 events reach the default bus from every EventBridge-enabled bucket in the account; only ours may start a job.
    const fromS3 = rule.bus === 'default' && source.includes('aws.s3');
    const bucket = this.importsBucket ?? this.shared.importsBucket;
    const bucketFilter = fromS3 ? { bucket: { name: [bucket.bucketName] } } : undefined;
    const merged = bucketFilter || detail ? { ...detail, ...bucketFilter } : undefined;
    return { source, ...(detailType ? { detailType } : {}), ...(merged ? { detail: merged } : {}) };
  }
}

const runtimeOf = ({ handler, timeoutSeconds, memoryMb }: RouteDef | EventRuleDef) => ({
  handler,
  timeoutSeconds,
  memoryMb,
});

export function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}
