// Route matching for REST API resource paths, the way API Gateway matches them: literal segments first,
// then `{param}`, then a greedy `{proxy+}`; a method route beats ANY.

export interface Route {
  resourcePath: string;
  httpMethod: string;
  functionArn: string;
  authorizationType: string;
  apiKeyRequired: boolean;
}

export interface RouteMatch {
  route: Route;
  pathParameters: Record<string, string> | null;
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const templateParts = template.split("/").filter(Boolean);
  const pathParts = path.split("/").filter(Boolean);
  const parameters: Record<string, string> = {};
  for (let i = 0; i < templateParts.length; i++) {
    const part = templateParts[i] as string;
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy) {
      if (i >= pathParts.length) return undefined;
      parameters[greedy[1] as string] = pathParts.slice(i).map(decodeURIComponent).join("/");
      return parameters;
    }
    const value = pathParts[i];
    if (value === undefined) return undefined;
    const parameter = /^\{(.+)\}$/.exec(part);
    if (parameter) parameters[parameter[1] as string] = decodeURIComponent(value);
    else if (part !== value) return undefined;
  }
  return templateParts.length === pathParts.length ? parameters : undefined;
}

/** More literal segments, then fewer greedy ones, rank first. */
function specificity(template: string): number {
  const parts = template.split("/").filter(Boolean);
  const literal = parts.filter((p) => !p.startsWith("{")).length;
  const greedy = parts.some((p) => p.endsWith("+}")) ? 1 : 0;
  return literal * 10 - greedy * 5 + parts.length;
}

export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch | undefined {
  const candidates = routes
    .map((route) => ({ route, parameters: matchPath(route.resourcePath, path) }))
    .filter(
      (c) => c.parameters !== undefined && (c.route.httpMethod === method || c.route.httpMethod === "ANY"),
    )
    .sort(
      (a, b) =>
        specificity(b.route.resourcePath) - specificity(a.route.resourcePath) ||
        Number(a.route.httpMethod === "ANY") - Number(b.route.httpMethod === "ANY"),
    );
  const best = candidates[0];
  if (!best) return undefined;
  const parameters = best.parameters ?? {};
  return { route: best.route, pathParameters: Object.keys(parameters).length > 0 ? parameters : null };
}
