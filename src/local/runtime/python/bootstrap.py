"""Runtime client for Python functions, run by the Local Lambda with the function's interpreter.

Standard library only. The host passes one JSON argument: folders to put on sys.path right after
the code folder ("front": the requirements build, layers), folders to add after the interpreter's
own site-packages ("end": the libraries Lambda's runtime provides), and hints added to an import
error's message ("hints": top-level module name, or "*", to a sentence).
"""
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

# "host:port", optionally followed by a path (the Local Lambda's per-environment token) that every
# request path starts with, as a client that prepends the variable to its URLs sends it.
_API, _SLASH, _API_PATH = os.environ["AWS_LAMBDA_RUNTIME_API"].partition("/")
API_HOST, API_PORT = _API.rsplit(":", 1)
BASE = (_SLASH + _API_PATH).rstrip("/") + "/2018-06-01/runtime"
_conn = None
_request_id = None
_hints = {}


def read_config():
    """The host's settings (the one argument); sys.argv then looks as on Lambda."""
    config = {}
    if len(sys.argv) > 1:
        try:
            config = json.loads(sys.argv[1])
        except ValueError:
            config = {}
    del sys.argv[1:]
    return config if isinstance(config, dict) else {}


def configure_path(config):
    """Lambda's order: the code folder, its dependencies and layers, the interpreter, then the
    runtime's own libraries. This script's folder is not importable."""
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    here = os.path.dirname(os.path.abspath(__file__))
    front = [task_root] + [p for p in config.get("front", []) if isinstance(p, str)]
    end = [p for p in config.get("end", []) if isinstance(p, str)]
    ours = set(os.path.normcase(os.path.abspath(p)) for p in front + end + [here])
    rest = [p for p in sys.path if p and os.path.normcase(os.path.abspath(p)) not in ours]
    sys.path[:] = front + rest + end


def import_hint(exc):
    name = (getattr(exc, "name", None) or "").split(".")[0]
    return _hints.get(name) or _hints.get("*")


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
        message = "Unable to import module '%s': %s" % (module_name, exc)
        hint = import_hint(exc)
        if hint:
            message += ". " + hint
        raise LoadError("Runtime.ImportModuleError", message)
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
    global _request_id, _hints
    config = read_config()
    hints = config.get("hints")
    _hints = hints if isinstance(hints, dict) else {}
    configure_path(config)
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
