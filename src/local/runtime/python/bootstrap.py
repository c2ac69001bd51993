"""Runtime client for Python functions, run by the Local Lambda with the function's interpreter.

It speaks the Runtime API over the runtime channel the Local Lambda gives its own bootstraps (a
pipe inherited as a numbered descriptor, framed as src/local/runtime/channel.ts describes), or
over HTTP at AWS_LAMBDA_RUNTIME_API when there is no channel.

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
import struct
import sys
import time
import traceback

try:
    import resource
except ImportError:  # not on Windows
    resource = None

# "host:port", optionally followed by a path (the Local Lambda's per-environment token) that every
# request path starts with, as a client that prepends the variable to its URLs sends it.
_API, _SLASH, _API_PATH = os.environ["AWS_LAMBDA_RUNTIME_API"].partition("/")
API_HOST, API_PORT = _API.rsplit(":", 1)
BASE = (_SLASH + _API_PATH).rstrip("/") + "/2018-06-01/runtime"
_conn = None
_request_id = None
_hints = {}

# The runtime channel: its descriptor, taken out of the environment so the function does not see it.
_CHANNEL_ENV = "LOCAL_LAMBDA_RUNTIME_CHANNEL"
_channel_fd = os.environ.pop(_CHANNEL_ENV, None)
_channel_in = None
_held = []
NEXT, RESPONSE, ERROR, INIT_ERROR, EVENT, DEBUG = 1, 2, 3, 4, 5, 7
_PREFIX = struct.Struct(">BII")
MAX_HEAD_BYTES = 64 * 1024


def open_channel():
    """The channel's reading side, or None (then the HTTP Runtime API is used)."""
    global _channel_fd, _channel_in
    try:
        fd = int(_channel_fd) if _channel_fd else -1
    except ValueError:
        fd = -1
    if fd <= 2:
        _channel_fd = None
        return None
    _channel_fd = fd
    # Not passed on to processes the handler starts, whatever they ask for.
    os.set_inheritable(fd, False)
    _channel_in = os.fdopen(fd, "rb", buffering=65536, closefd=False)
    return _channel_in


def max_rss_kb():
    if resource is None:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def frame(kind, head, body=b""):
    head_bytes = json.dumps(head).encode("utf-8")
    return _PREFIX.pack(kind, len(head_bytes), len(body)) + head_bytes + body


def channel_send(data):
    view = memoryview(data)
    while view:
        written = os.write(_channel_fd, view)
        view = view[written:]


def channel_read(n):
    data = _channel_in.read(n) if n else b""
    if len(data) != n:
        # The host is gone (or closed the channel): nothing more will come.
        sys.exit(1)
    return data


def channel_next():
    """Sends what is held (an answer) with the request for the next event, in one write."""
    channel_send(b"".join(_held) + frame(NEXT, {}))
    del _held[:]
    kind, head_len, body_len = _PREFIX.unpack(channel_read(_PREFIX.size))
    if kind != EVENT or head_len > MAX_HEAD_BYTES:
        sys.stderr.write("The runtime channel sent a malformed frame\n")
        sys.exit(1)
    head = json.loads(channel_read(head_len).decode("utf-8")) if head_len else {}
    return head, channel_read(body_len)


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
    if _channel_in is not None:
        body = json.dumps(doc).encode("utf-8")
        head = {"errorType": error_type} if error_type else {}
        if path == "/init/error":
            channel_send(frame(INIT_ERROR, head, body))
            return
        head["requestId"] = _request_id
        head["maxRssKb"] = max_rss_kb()
        _held.append(frame(ERROR, head, body))
        return
    headers = {"Content-Type": "application/json"}
    if error_type:
        headers["Lambda-Runtime-Function-Error-Type"] = error_type
    call("POST", path, json.dumps(doc).encode("utf-8"), headers)


def error_doc(exc, error_type=None):
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": _request_id or "",
        # The function's own frames: those of this bootstrap, which called the handler, are left out.
        "stackTrace": traceback.format_list(
            [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename != __file__]
        ),
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


class CognitoIdentity:
    def __init__(self, doc):
        self.cognito_identity_id = doc.get("cognitoIdentityId")
        self.cognito_identity_pool_id = doc.get("cognitoIdentityPoolId")


def parse_json(text):
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def cognito_identity(text):
    doc = parse_json(text)
    return CognitoIdentity(doc) if isinstance(doc, dict) else None


class LambdaContext:
    def __init__(self, request_id, deadline_ms, arn, client_context, identity=None):
        env = os.environ
        self.aws_request_id = request_id
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = client_context
        self.identity = identity
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


def start_debugger():
    """A debug session: debugpy listens on a fresh loopback port, the host learns the port, and
    the handler's module is imported only once a debugger is attached and configured, so
    breakpoints in its top level bind too."""
    if _channel_in is None:
        raise LoadError("Runtime.DebuggerUnavailable", "Debugging needs the runtime channel, which this platform does not offer")
    try:
        import debugpy
    except ImportError as exc:
        raise LoadError("Runtime.DebuggerUnavailable", "debugpy is not installed for %s: %s" % (sys.executable, exc))
    _host, port = debugpy.listen(("127.0.0.1", 0))
    channel_send(frame(DEBUG, {"port": port}))
    debugpy.wait_for_client()
    channel_send(frame(DEBUG, {"attached": True}))


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
    open_channel()
    try:
        if config.get("debug") is True:
            start_debugger()
        handler = load_handler()
    except Exception as exc:
        doc = error_doc(exc, getattr(exc, "error_type", None))
        log_error(doc)
        post_json("/init/error", doc, doc["errorType"])
        sys.exit(1)
    while True:
        if _channel_in is not None:
            head, body = channel_next()
            values = {
                "id": head.get("requestId"), "trace": head.get("traceId"), "deadline": head.get("deadlineMs"),
                "arn": head.get("invokedFunctionArn"), "client": head.get("clientContext"), "cognito": head.get("cognitoIdentity"),
            }
        else:
            resp, body = call("GET", "/invocation/next")
            values = {
                "id": resp.getheader("Lambda-Runtime-Aws-Request-Id"), "trace": resp.getheader("Lambda-Runtime-Trace-Id"),
                "deadline": resp.getheader("Lambda-Runtime-Deadline-Ms"), "arn": resp.getheader("Lambda-Runtime-Invoked-Function-Arn"),
                "client": resp.getheader("Lambda-Runtime-Client-Context"), "cognito": resp.getheader("Lambda-Runtime-Cognito-Identity"),
            }
        _request_id = values["id"] if isinstance(values["id"], str) else ""
        os.environ["_X_AMZN_TRACE_ID"] = values["trace"] if isinstance(values["trace"], str) else ""
        try:
            deadline = int(values["deadline"] or 0)
        except (TypeError, ValueError):
            deadline = 0
        context = LambdaContext(
            _request_id,
            deadline,
            values["arn"],
            parse_json(values["client"]) if isinstance(values["client"], str) else None,
            cognito_identity(values["cognito"]) if isinstance(values["cognito"], str) else None,
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
        if _channel_in is not None:
            # Held, and sent with the request for the next event (one write).
            _held.append(frame(RESPONSE, {"requestId": _request_id, "maxRssKb": max_rss_kb()}, payload))
            continue
        call("POST", "/invocation/%s/response" % _request_id, payload, {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
