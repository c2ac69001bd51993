import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { httpCall, makeTempDir, type RawResponse } from '../helpers';
import { badInputTable, type BadInputCase, type TableContext } from './table';

interface Ctx extends TableContext {
  base: string;
  dir: string;
}

const TEMPLATE = `Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Auth:
        Authorizers:
          Token:
            FunctionArn: !GetAtt Auth.Arn
          Broken:
            FunctionArn: !GetAtt BadAuth.Arn
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        Authorizers:
          Simple:
            FunctionArn: !GetAtt BadAuth.Arn
            EnableSimpleResponses: true
            Identity: { Headers: [Authorization] }
  App:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: app
      CodeUri: src
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Ok: { Type: Api, Properties: { Path: /ok, Method: get } }
        Echo: { Type: Api, Properties: { Path: /echo, Method: post } }
        Malformed: { Type: Api, Properties: { Path: /malformed, Method: get } }
        Fails: { Type: Api, Properties: { Path: /fails, Method: get } }
        HttpFails: { Type: HttpApi, Properties: { Path: /h/fails, Method: get } }
        Guarded: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /guarded, Method: get, Auth: { Authorizer: Token } } }
        BadPolicy: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /bad-policy, Method: get, Auth: { Authorizer: Broken } } }
        BadSimple: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /h/simple, Method: get, Auth: { Authorizer: Simple } } }
  Auth:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: auth, CodeUri: src, Handler: index.token, Runtime: nodejs20.x }
  BadAuth:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: bad-auth, CodeUri: src, Handler: index.nonsense, Runtime: nodejs20.x }
`;

const CODE = `
exports.handler = async (event) => {
  const p = event.path;
  if (p === '/malformed') return { body: 'no status code' };
  if (p === '/fails' || event.rawPath === '/h/fails') throw new Error('broken on purpose');
  return { statusCode: 200, body: 'sentinel' };
};
exports.token = async (event) => ({ principalId: 'x', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: event.methodArn }] } });
exports.nonsense = async () => ({ allowed: 'maybe' });
`;

async function plain(base: string, p: string, opts: Parameters<typeof httpCall>[1] = {}): Promise<RawResponse> {
  const { status, headers, text } = await httpCall(new URL(p, base).toString(), opts);
  return { status, headers, body: text };
}

const v = (status: number, type: string, message: string) => ({ status, type, message });
const cases: Array<BadInputCase<Ctx>> = [];
const row = (name: string, send: (c: Ctx) => Promise<RawResponse>, expect: BadInputCase<Ctx>['expect']) => cases.push({ name, send, expect });

row('API: a Host header of another site (DNS rebinding)', (c) => plain(c.base, '/ok', { headers: { host: 'attacker.example' } }), v(403, 'AccessDeniedException', 'Forbidden'));
row('API: a path no route answers', (c) => plain(c.base, '/nowhere'), v(404, 'NotFoundException', 'Not Found'));
row('API: a method the route does not take', (c) => plain(c.base, '/ok', { method: 'DELETE' }), v(404, 'NotFoundException', 'Not Found'));
row('API: a path that climbs out with ..', (c) => plain(c.base, '/ok/../../etc/passwd'), v(404, 'NotFoundException', 'Not Found'));
row('API: a body over 6 MB', (c) => plain(c.base, '/echo', { method: 'POST', body: Buffer.alloc(6 * 1024 * 1024 + 1, 'x') }), v(413, 'RequestTooLargeException', 'Request Entity Too Large'));
row('API: a REST result without statusCode', (c) => plain(c.base, '/malformed'), v(502, 'InternalServerErrorException', 'Internal server error'));
row('API: a REST function that throws', (c) => plain(c.base, '/fails'), v(502, 'InternalServerErrorException', 'Internal server error'));
row('API: an HTTP API function that throws', (c) => plain(c.base, '/h/fails'), v(500, 'InternalServerErrorException', 'Internal Server Error'));
row('API: a TOKEN authorizer route without the token', (c) => plain(c.base, '/guarded'), v(401, 'UnauthorizedException', 'Unauthorized'));
row('API: a TOKEN authorizer whose policy denies', (c) => plain(c.base, '/guarded', { headers: { authorization: 'anything' } }), v(403, 'AccessDeniedException', 'User is not authorized to access this resource'));
row('API: an authorizer that returns no policy', (c) => plain(c.base, '/bad-policy', { headers: { authorization: 'x' } }), v(500, 'InternalServerErrorException', 'Internal server error'));
row('API: a simple-response authorizer that returns no isAuthorized', (c) => plain(c.base, '/h/simple', { headers: { authorization: 'x' } }), v(500, 'InternalServerErrorException', 'Internal Server Error'));
row('API: a simple-response authorizer route without its header', (c) => plain(c.base, '/h/simple'), v(401, 'UnauthorizedException', 'Unauthorized'));

badInputTable<Ctx>('API routes', {
  async setup(start) {
    const dir = makeTempDir('local-lambda-bad-api-');
    fs.writeFileSync(path.join(dir, 'template.yaml'), TEMPLATE);
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'index.js'), CODE);
    const t = await start({ dir });
    const wrapped = { ...t, close: async () => { await t.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
    return { t: wrapped, base: t.local.apiEndpoint ?? '', dir };
  },
  async intact(c) {
    const ok = await plain(c.base, '/ok');
    assert.equal(ok.status, 200, 'the API still serves');
    assert.equal(ok.body, 'sentinel');
  },
  cases,
});
