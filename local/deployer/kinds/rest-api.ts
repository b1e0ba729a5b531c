// REST APIs (API Gateway v1): each RestApi with the Lambda proxy routes its Resources and Methods declare and
// the name of its Stage, handed to the local API Gateway in process.
import { z } from "zod";
import type { ResourceKind } from "../kind.js";
import type { ApiPlan, RoutePlan } from "../plans.js";
import type { StackContext, TemplateResource } from "../stack-context.js";
import { cfnBoolean } from "../template-properties.js";

const RESOURCE = "AWS::ApiGateway::Resource";
const METHOD = "AWS::ApiGateway::Method";
const STAGE = "AWS::ApiGateway::Stage";

/** The stage name when the template declares no stage for the API. */
const DEFAULT_STAGE_NAME = "prod";

const methodProperties = z.object({
  HttpMethod: z.string(),
  AuthorizationType: z.string().default("NONE"),
  ApiKeyRequired: cfnBoolean.default(false),
});
const integrationType = z.object({ Type: z.string().optional() });
const integrationUri = z.object({ Uri: z.string() });
const pathPart = z.object({ PathPart: z.string() });
const stageName = z.object({ StageName: z.string() });

/** The function a Lambda proxy integration's URI invokes. */
const INVOCATIONS_URI = /(arn:aws:lambda:[^/]+:function:[^/]+?)\/invocations$/;

/** The logical id a child resource's ParentId refers to; none for the API's root (a GetAtt of RootResourceId). */
function parentLogicalId(parentId: unknown): string | undefined {
  if (typeof parentId !== "object" || parentId === null || !("Ref" in parentId)) return undefined;
  return typeof parentId.Ref === "string" ? parentId.Ref : undefined;
}

/** Walks ParentId links up to the API's root to build `/items/{id}`. */
function resourcePath(stack: StackContext, resourceId: unknown): string {
  const byId = new Map(stack.resources.map((resource) => [resource.logicalId, resource]));
  const segments: string[] = [];
  let current = resourceId;
  for (let depth = 0; depth < 64; depth++) {
    const logicalId = parentLogicalId(current);
    const resource = logicalId === undefined ? undefined : byId.get(logicalId);
    if (resource?.type !== RESOURCE) break;
    segments.unshift(stack.read(resource, pathPart).PathPart);
    current = resource.properties.ParentId;
  }
  return `/${segments.join("/")}`;
}

/** The route of one method of the API, or none for a method that invokes no function (a CORS mock, say). */
function routeOf(method: TemplateResource, stack: StackContext): RoutePlan | undefined {
  if (stack.read(method, integrationType, "Integration").Type !== "AWS_PROXY") return undefined;
  const { Uri } = stack.read(method, integrationUri, "Integration");
  const functionArn = INVOCATIONS_URI.exec(Uri)?.[1];
  if (!functionArn) return undefined;
  const props = stack.read(method, methodProperties);
  return {
    resourcePath: resourcePath(stack, method.properties.ResourceId),
    httpMethod: props.HttpMethod,
    functionArn,
    authorizationType: props.AuthorizationType,
    apiKeyRequired: props.ApiKeyRequired,
  };
}

function belongsTo(apiId: string, stack: StackContext) {
  return (resource: TemplateResource) => stack.resolve(resource.properties.RestApiId) === apiId;
}

export const restApiKind: ResourceKind<ApiPlan, number> = {
  type: "AWS::ApiGateway::RestApi",
  covers: [RESOURCE, METHOD, STAGE, "AWS::ApiGateway::Deployment"],
  plan(api, stack) {
    const apiId = stack.ref(api.logicalId);
    const ofThisApi = belongsTo(apiId, stack);
    const routes = stack.resources
      .filter((resource) => resource.type === METHOD && ofThisApi(resource))
      .flatMap((method) => routeOf(method, stack) ?? []);
    const stage = stack.resources.find((resource) => resource.type === STAGE && ofThisApi(resource));
    return {
      stack: stack.stackName,
      logicalId: api.logicalId,
      apiId,
      stageName: stage ? stack.read(stage, stageName).StageName : DEFAULT_STAGE_NAME,
      routes,
    };
  },
  async apply(apis, cloud) {
    for (const api of apis) {
      cloud.inProcess.registerApi(api);
      cloud.log(`  API ${api.apiId} (${api.routes.length} routes, stage ${api.stageName})`);
    }
    return apis.length;
  },
};

/** API Gateway's execute-api URL shape, as the CDK builds ApiUrl outputs. */
const EXECUTE_API_URL = /^https:\/\/([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com\/([^/]+)\/?(.*)$/;

/** Rewrites an AWS execute-api URL to the local cloud's API Gateway route on the edge. */
export function localApiUrl(url: string, edgeUrl: string): string {
  const match = EXECUTE_API_URL.exec(url);
  if (!match) return url;
  const [, apiId, stage, rest] = match;
  return `${edgeUrl.replace(/\/$/, "")}/restapis/${apiId}/${stage}/_user_request_/${rest ?? ""}`;
}
