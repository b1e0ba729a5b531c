// GitHubAccessStack: the GitHub OIDC provider and the role the repository's workflows assume (no stored keys).
import {
  ArnFormat,
  CfnOutput,
  DefaultStackSynthesizer,
  Duration,
  Fn,
  Stack,
  type StackProps,
} from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import {
  Effect,
  type IOidcProvider,
  OidcProviderNative,
  OpenIdConnectPrincipal,
  PolicyDocument,
  PolicyStatement,
  Role,
} from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { StateMachine } from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { OUTPUTS } from "../contract/index.js";
import type { AcceptedWildcard } from "./power-tuner-stack.js";

/** GitHub's OIDC issuer, without the scheme: the prefix of the condition keys in the trust policy. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience configure-aws-credentials asks for. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/** The `-c` context keys that create and shape this stack. */
export const GITHUB_CONTEXT = {
  repository: "githubRepository",
  ref: "githubRef",
  environment: "githubEnvironment",
  oidcProviderArn: "githubOidcProviderArn",
} as const;

/** What the stack needs, as read from the context. */
export interface GitHubAccessSettings {
  /** `owner/repo`, exactly as GitHub spells it: the `sub` claim compares case-sensitively. */
  readonly repository: string;
  /**
   * Only jobs running on this ref (`refs/heads/main`) may assume the role. Given with `environment`, a job
   * matching either may. @default any ref of the repository
   */
  readonly ref?: string;
  /**
   * Only jobs running in this GitHub environment may assume the role (GitHub then puts the environment, not
   * the ref, in the token's subject). @default no environment
   */
  readonly environment?: string;
  /**
   * The account's existing GitHub OIDC provider: an account holds one provider per URL, so a second stack
   * (another region, another app) must reuse the first one's. @default a new provider
   */
  readonly oidcProviderArn?: string;
}

// GitHub: owners are 1-39 letters, digits and inner hyphens; repository names letters, digits, `.`, `_`, `-`
// (but not `.` or `..`). Wildcards would widen the trust policy, so none are accepted anywhere.
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;
const REF = /^refs\/(heads|tags)\/[^\s*?:]+$/;
const ENVIRONMENT = /^[^\s*?:][^*?:]{0,254}$/;
const OIDC_PROVIDER_ARN = new RegExp(
  `^arn:aws[a-z-]*:iam::\\d{12}:oidc-provider/${GITHUB_OIDC_HOST.replaceAll(".", "\\.")}$`,
);

/** The context value of `key` if it matches `pattern`; otherwise an error naming the key and the fix. */
function contextValue(
  get: (key: string) => unknown,
  key: string,
  pattern: RegExp,
  fix: string,
): string | undefined {
  const value = get(key);
  if (value === undefined) return undefined;
  if (typeof value === "string" && pattern.test(value)) return value;
  throw new Error(`context ${key} is ${JSON.stringify(value)}: ${fix}`);
}

/**
 * Reads the GitHub access settings from the app's context; undefined without `githubRepository` (the stack
 * is then not part of the app). A malformed value fails synth with the key and the fix.
 */
export function parseGitHubAccessContext(get: (key: string) => unknown): GitHubAccessSettings | undefined {
  const repository = contextValue(
    get,
    GITHUB_CONTEXT.repository,
    REPOSITORY,
    `pass the GitHub repository whose workflows deploy, as owner/repo, e.g. -c ${GITHUB_CONTEXT.repository}=example-org/example-repo`,
  );
  const ref = contextValue(
    get,
    GITHUB_CONTEXT.ref,
    REF,
    `pass a full Git ref without wildcards, e.g. -c ${GITHUB_CONTEXT.ref}=refs/heads/main`,
  );
  const environment = contextValue(
    get,
    GITHUB_CONTEXT.environment,
    ENVIRONMENT,
    `pass a GitHub environment name without wildcards or colons, e.g. -c ${GITHUB_CONTEXT.environment}=production`,
  );
  const oidcProviderArn = contextValue(
    get,
    GITHUB_CONTEXT.oidcProviderArn,
    OIDC_PROVIDER_ARN,
    `pass the ARN of the account's provider for ${GITHUB_OIDC_HOST}, e.g. -c ${GITHUB_CONTEXT.oidcProviderArn}=arn:aws:iam::123456789012:oidc-provider/${GITHUB_OIDC_HOST}`,
  );
  if (repository === undefined) {
    const stray = Object.values(GITHUB_CONTEXT).find((key) => get(key) !== undefined);
    if (stray) {
      throw new Error(
        `context ${stray} is set but ${GITHUB_CONTEXT.repository} is not: pass -c ${GITHUB_CONTEXT.repository}=owner/repo as well`,
      );
    }
    return undefined;
  }
  return {
    repository,
    ...(ref !== undefined && { ref }),
    ...(environment !== undefined && { environment }),
    ...(oidcProviderArn !== undefined && { oidcProviderArn }),
  };
}

/** The `sub` claims the role accepts: the repository, narrowed to the ref and/or environment when given. */
export function allowedSubjects(settings: GitHubAccessSettings): { exact: boolean; subjects: string[] } {
  const prefix = `repo:${settings.repository}`;
  const subjects = [
    ...(settings.ref ? [`${prefix}:ref:${settings.ref}`] : []),
    ...(settings.environment ? [`${prefix}:environment:${settings.environment}`] : []),
  ];
  return subjects.length > 0 ? { exact: true, subjects } : { exact: false, subjects: [`${prefix}:*`] };
}

/** The CDK bootstrap roles `cdk deploy` assumes (DefaultStackSynthesizer's names; `${Qualifier}` filled in). */
export const BOOTSTRAP_ROLE_ARNS = [
  DefaultStackSynthesizer.DEFAULT_DEPLOY_ROLE_ARN,
  DefaultStackSynthesizer.DEFAULT_FILE_ASSET_PUBLISHING_ROLE_ARN,
  DefaultStackSynthesizer.DEFAULT_IMAGE_ASSET_PUBLISHING_ROLE_ARN,
  DefaultStackSynthesizer.DEFAULT_LOOKUP_ROLE_ARN,
] as const;

/** What `powertune tune --cloud` calls: start the execution, then poll it and read its events. */
export const EXECUTION_ACTIONS = ["states:DescribeExecution", "states:GetExecutionHistory"] as const;
/**
 * What `powertune approve|deny` does to TuningHistory: read the pending item, query the function's recent runs
 * for the tuning's figures (the memory summary's evidence), delete the item, append the decision.
 */
export const APPROVAL_TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:Query",
  "dynamodb:DeleteItem",
  "dynamodb:PutItem",
] as const;
/**
 * What `powertune approve` does to the tuned function when the run applies to $LATEST (the workflows' input
 * never names autoOptimizeAlias): read its configuration, set the memory, wait for the update (the waiter
 * polls GetFunction).
 */
export const APPROVAL_FUNCTION_ACTIONS = [
  "lambda:GetFunctionConfiguration",
  "lambda:UpdateFunctionConfiguration",
  "lambda:GetFunction",
] as const;

/** The cdk-nag AwsSolutions-IAM5 findings this stack accepts; test/cdk acknowledges each with its reason. */
export const GITHUB_ACCESS_ACCEPTED_WILDCARDS: readonly AcceptedWildcard[] = [
  {
    construct: /\/DeployRole\/Resource$/,
    resource: /^arn:<AWS::Partition>:states:[a-z0-9-]+:\d{12}:execution:.+:\*$/,
    reason:
      "An execution's ARN ends in its name, chosen per run (arn:...:execution:<machine>:<name>); the wildcard " +
      "covers the executions of the PowerTuner state machine only, for DescribeExecution and GetExecutionHistory.",
  },
];

export interface GitHubAccessStackProps extends StackProps {
  /** Which repository (and ref or environment) may assume the role, and the provider to reuse. */
  readonly github: GitHubAccessSettings;
  /** The PowerTuner state machine the workflows start and watch. */
  readonly stateMachine: StateMachine;
  /** The PowerTuner TuningHistory table, where approvals are read and recorded. */
  readonly historyTable: ITable;
  /** The function the workflows tune, whose memory an approval sets. */
  readonly tunedFunction: IFunction;
  /**
   * How long the workflow's credentials last: a deploy plus a tuning (the state machine stops at 2 h).
   * @default Duration.hours(3)
   */
  readonly maxSessionDuration?: Duration;
}

export class GitHubAccessStack extends Stack {
  readonly provider: IOidcProvider;
  readonly deployRole: Role;

  constructor(scope: Construct, id: string, props: GitHubAccessStackProps) {
    super(scope, id, props);
    // Read the other stacks' values with Fn::GetStackOutput rather than exports: this stack is in the app only
    // with -c githubRepository, so the CI's deploys (without it) would otherwise try to delete exports it
    // imports, which CloudFormation refuses. The price of a weak reference: if the state machine, the table or
    // the function is ever replaced, deploy this stack again. The flag is read from the consumer's context,
    // and set here before any child exists.
    this.node.setContext("@aws-cdk/core:defaultCrossStackReferences", "weak");

    const { github } = props;
    this.provider = github.oidcProviderArn
      ? OidcProviderNative.fromOidcProviderArn(this, "GitHubOidcProvider", github.oidcProviderArn)
      : new OidcProviderNative(this, "GitHubOidcProvider", {
          url: `https://${GITHUB_OIDC_HOST}`,
          clientIds: [GITHUB_OIDC_AUDIENCE],
        });

    const { exact, subjects } = allowedSubjects(github);
    this.deployRole = new Role(this, "DeployRole", {
      description: `Assumed by the GitHub Actions of ${github.repository}: cdk deploy, powertune tune and approve`,
      maxSessionDuration: props.maxSessionDuration ?? Duration.hours(3),
      assumedBy: new OpenIdConnectPrincipal(this.provider, {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
          ...(exact && { [`${GITHUB_OIDC_HOST}:sub`]: subjects }),
        },
        ...(!exact && { StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: subjects } }),
      }),
      inlinePolicies: {
        CdkDeploy: this.cdkDeployPolicy(),
        TuneAndApprove: tuneAndApprovePolicy(this, props),
      },
    });

    new CfnOutput(this, OUTPUTS.githubAccess.deployRoleArn, {
      value: this.deployRole.roleArn,
      description: "role-to-assume of the workflows: the repository variable POWERTUNE_ROLE_ARN",
    });
    new CfnOutput(this, OUTPUTS.githubAccess.historyTableName, {
      value: props.historyTable.tableName,
      description:
        "TuningHistory, where approvals are recorded: the repository variable POWERTUNE_HISTORY_TABLE",
    });
    new CfnOutput(this, OUTPUTS.githubAccess.tunedFunctionName, {
      value: props.tunedFunction.functionName,
      description:
        "The function the workflows tune and approvals change: the repository variable POWERTUNE_FUNCTION",
    });
  }

  /** `cdk deploy` works through the bootstrap roles, which hold the deployment permissions themselves. */
  private cdkDeployPolicy(): PolicyDocument {
    const qualifier =
      this.synthesizer instanceof DefaultStackSynthesizer
        ? (this.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER)
        : DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    return new PolicyDocument({
      statements: [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ["sts:AssumeRole"],
          resources: BOOTSTRAP_ROLE_ARNS.map((template) => Fn.sub(template, { Qualifier: qualifier })),
        }),
      ],
    });
  }
}

/** Start and watch the PowerTuner executions; settle a pending recommendation of the tuned function. */
function tuneAndApprovePolicy(stack: Stack, props: GitHubAccessStackProps): PolicyDocument {
  const executions = stack.formatArn({
    service: "states",
    resource: "execution",
    resourceName: `${props.stateMachine.stateMachineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["states:StartExecution"],
        resources: [props.stateMachine.stateMachineArn],
      }),
      new PolicyStatement({ effect: Effect.ALLOW, actions: [...EXECUTION_ACTIONS], resources: [executions] }),
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...APPROVAL_TABLE_ACTIONS],
        resources: [props.historyTable.tableArn],
      }),
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...APPROVAL_FUNCTION_ACTIONS],
        resources: [props.tunedFunction.functionArn],
      }),
    ],
  });
}
