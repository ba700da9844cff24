import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { FirewallLimits, Stage } from '../stage';

/**
 * The optional WAF web ACL (`cdk deploy -c waf=true`): per-client-IP rate-based rules for the
 * limited routes, attached to the CloudFront distribution.
 *
 * Why CloudFront: an API Gateway HTTP API cannot take a WAF web ACL (only REST APIs, ALBs,
 * AppSync, Cognito, App Runner, Verified Access and CloudFront can), and API Gateway's own
 * throttles are per route or stage, never per client. The page and `/api/*` are one CloudFront
 * origin, so an ACL there sees every buyer's request with the buyer's own address. A CloudFront ACL
 * has scope CLOUDFRONT and must be created in us-east-1: with the flag, this stage deploys to
 * us-east-1 (a stage elsewhere is refused at synthesis; a cross-region ACL stack is the way out).
 *
 * A blocked request gets what the handlers answer over their limits: `429`, `Retry-After`, and the
 * documented `{ error: { code: "TooManyRequests", message } }`.
 */

export interface EdgeFirewallProps {
  readonly stage: Stage;
  readonly limits: FirewallLimits;
}

const BODY_KEY = 'TooManyRequests';

export class EdgeFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeFirewallProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      Annotations.of(this).addWarningV2(
        'ticketdrop:waf-region',
        'The WAF web ACL (-c waf=true) is for CloudFront and must be deployed in us-east-1: deploy this stage with CDK_DEFAULT_REGION=us-east-1.',
      );
    } else if (region !== 'us-east-1') {
      Annotations.of(this).addError(
        `The WAF web ACL (-c waf=true) is for CloudFront and must be created in us-east-1, not ${region}: deploy the stage in us-east-1, or leave the flag off.`,
      );
    }
    const { windowSeconds } = props.limits;
    const message = `Too many requests from your address; try again in ${windowSeconds} s`;
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `TicketDrop-${props.stage.name}-edge`,
      description: 'Per-IP rate limits on new sessions and waiting-room joins (TicketDrop abuse limits)',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      customResponseBodies: {
        [BODY_KEY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ error: { code: 'TooManyRequests', message, retryAfterSeconds: windowSeconds } }),
        },
      },
      visibilityConfig: visibility(`TicketDrop-${props.stage.name}-edge`),
      rules: [
        rateRule('SessionsPerAddress', 0, props.limits.sessionsPerAddress, windowSeconds, {
          byteMatchStatement: exactPath('/api/sessions'),
        }),
        rateRule('QueueJoinsPerAddress', 1, props.limits.queueJoinsPerAddress, windowSeconds, {
          regexMatchStatement: {
            regexString: '^/api/events/[^/]+/queue$',
            fieldToMatch: { uriPath: {} },
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        }),
      ],
    });
  }
}

/** A rate-based rule per client IP over POST requests to one route, blocking with a 429. */
function rateRule(
  name: string,
  priority: number,
  limit: number,
  windowSeconds: number,
  path: wafv2.CfnWebACL.StatementProperty,
): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    action: {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: BODY_KEY,
          responseHeaders: [
            { name: 'retry-after', value: String(windowSeconds) },
            { name: 'cache-control', value: 'no-store' },
          ],
        },
      },
    },
    statement: {
      rateBasedStatement: {
        // IP: the address CloudFront's viewer connection came from (not a header the client writes).
        aggregateKeyType: 'IP',
        limit,
        evaluationWindowSec: windowSeconds,
        scopeDownStatement: {
          andStatement: { statements: [{ byteMatchStatement: postMethod() }, path] },
        },
      },
    },
    visibilityConfig: visibility(name),
  };
}

function postMethod(): wafv2.CfnWebACL.ByteMatchStatementProperty {
  return {
    searchString: 'POST',
    fieldToMatch: { method: {} },
    positionalConstraint: 'EXACTLY',
    textTransformations: [{ priority: 0, type: 'NONE' }],
  };
}

function exactPath(path: string): wafv2.CfnWebACL.ByteMatchStatementProperty {
  return {
    searchString: path,
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'EXACTLY',
    textTransformations: [{ priority: 0, type: 'NONE' }],
  };
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}
