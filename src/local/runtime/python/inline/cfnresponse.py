"""The cfnresponse module CloudFormation provides to inline (ZipFile) Python functions.

Same interface as the documented one: SUCCESS, FAILED and
send(event, context, responseStatus, responseData, physicalResourceId=None, noEcho=False, reason=None),
which PUTs the custom resource's result to event["ResponseURL"]. Standard library only.
"""
import json
import urllib.request

SUCCESS = "SUCCESS"
FAILED = "FAILED"


def send(event, context, responseStatus, responseData, physicalResourceId=None, noEcho=False, reason=None):
    stream = getattr(context, "log_stream_name", "")
    body = json.dumps({
        "Status": responseStatus,
        "Reason": reason or "See the details in CloudWatch Log Stream: %s" % stream,
        "PhysicalResourceId": physicalResourceId or stream,
        "StackId": event.get("StackId"),
        "RequestId": event.get("RequestId"),
        "LogicalResourceId": event.get("LogicalResourceId"),
        "NoEcho": noEcho,
        "Data": responseData,
    }).encode("utf-8")
    print("Response body:")
    print(body.decode("utf-8"))
    request = urllib.request.Request(
        event["ResponseURL"],
        data=body,
        method="PUT",
        # The pre-signed S3 URL is signed for an empty content type.
        headers={"Content-Type": "", "Content-Length": str(len(body))},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            print("Status code:", response.status)
    except Exception as exc:  # the documented module reports the failure and returns
        print("send(..) failed executing http.request(..):", _without_signature(str(exc)))


def _without_signature(text):
    for marker in ("X-Amz-Credential=", "X-Amz-Signature=", "Signature="):
        start = text.find(marker)
        while start >= 0:
            end = start + len(marker)
            stop = end
            while stop < len(text) and text[stop] not in "&' \"":
                stop += 1
            text = text[:end] + "*****" + text[stop:]
            start = text.find(marker, end + 5)
    return text
