/**
 * Runtime client for Python functions. Uses only the standard library; the host writes this
 * source into its data folder and runs it with python3.
 */
export const PYTHON_BOOTSTRAP_FILE = 'python_bootstrap.py';

export const PYTHON_BOOTSTRAP_SOURCE = String.raw`
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API_HOST, API_PORT = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
BASE = "/2018-06-01/runtime"
_conn = None
_request_id = None


def call(method, path, body=None, headers=None):
    global _conn
    for attempt in (0, 1):
        if _conn is None:
            _conn = http.client.HTTPConnection(API_HOST, int(API_PORT))
        try:
            _conn.request(method, BASE + path, body=body, headers=headers or {})
            resp = _conn.getresponse()
            return resp, resp.read()
        except (http.client.HTTPException, OSError):
            _conn.close()
            _conn = None
            if attempt:
                raise


def post_json(path, doc, error_type=None):
    headers = {"Content-Type": "application/json"}
    if error_type:
        headers["Lambda-Runtime-Function-Error-Type"] = error_type
    call("POST", path, json.dumps(doc).encode("utf-8"), headers)


def error_doc(exc, error_type=None):
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": _request_id or "",
        "stackTrace": traceback.format_list(traceback.extract_tb(exc.__traceback__)),
    }


def log_error(doc):
    text = "[ERROR] %s: %s" % (doc["errorType"], doc["errorMessage"])
    if doc["stackTrace"]:
        text += "\nTraceback (most recent call last):\n" + "".join(doc["stackTrace"]).rstrip("\n")
    sys.stdout.write(text.replace("\n", "\r") + "\n")
    sys.stdout.flush()


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id or ""
        return True


def configure_logging():
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


class LambdaContext:
    def __init__(self, request_id, deadline_ms, arn, client_context):
        env = os.environ
        self.aws_request_id = request_id
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = client_context
        self.identity = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


def load_handler():
    spec = os.environ.get("_HANDLER", "")
    if "." not in spec:
        raise LoadError("Runtime.MalformedHandlerName", "Bad handler '%s': not enough values to unpack (expected 2, got 1)" % spec)
    module_name, function_name = spec.rsplit(".", 1)
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise LoadError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, exc))
    except SyntaxError as exc:
        raise LoadError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, exc))
    handler = getattr(module, function_name, None)
    if not callable(handler):
        raise LoadError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return handler


class LoadError(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def main():
    global _request_id
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    sys.path.insert(0, task_root)
    configure_logging()
    try:
        handler = load_handler()
    except Exception as exc:
        doc = error_doc(exc, getattr(exc, "error_type", None))
        log_error(doc)
        post_json("/init/error", doc, doc["errorType"])
        sys.exit(1)
    while True:
        resp, body = call("GET", "/invocation/next")
        _request_id = resp.getheader("Lambda-Runtime-Aws-Request-Id")
        os.environ["_X_AMZN_TRACE_ID"] = resp.getheader("Lambda-Runtime-Trace-Id") or ""
        client_context = resp.getheader("Lambda-Runtime-Client-Context")
        context = LambdaContext(
            _request_id,
            int(resp.getheader("Lambda-Runtime-Deadline-Ms") or "0"),
            resp.getheader("Lambda-Runtime-Invoked-Function-Arn"),
            json.loads(client_context) if client_context else None,
        )
        try:
            event = json.loads(body) if body else {}
            result = handler(event, context)
        except Exception as exc:
            doc = error_doc(exc)
            log_error(doc)
            post_json("/invocation/%s/error" % _request_id, doc, doc["errorType"])
            continue
        try:
            payload = json.dumps(result).encode("utf-8")
        except Exception as exc:
            doc = error_doc(exc, "Runtime.MarshalError")
            doc["errorMessage"] = "Unable to marshal response: " + str(exc)
            log_error(doc)
            post_json("/invocation/%s/error" % _request_id, doc, doc["errorType"])
            continue
        call("POST", "/invocation/%s/response" % _request_id, payload, {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
`;
