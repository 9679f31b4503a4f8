namespace EcrCleanup.Sandbox.Aws;

/// <summary>The errors every AWS service shares (authentication, throttling, injected faults), per protocol.</summary>
internal static class AwsErrors
{
    public static AwsException Auth(AuthFailure failure, string detail, AwsProtocol protocol) => (failure, protocol is AwsProtocol.Json10 ? AwsProtocol.Json11 : protocol) switch
    {
        (AuthFailure.Missing, AwsProtocol.Query) => new("MissingAuthenticationToken", 403, "Request is missing Authentication Token"),
        (AuthFailure.Missing, AwsProtocol.Json11) => new("MissingAuthenticationTokenException", 400, "Missing Authentication Token"),
        (AuthFailure.Missing, _) => new("MissingAuthenticationTokenException", 403, "Missing Authentication Token"),
        (AuthFailure.Incomplete, AwsProtocol.Query) => new("IncompleteSignature", 400, detail),
        (AuthFailure.Incomplete, AwsProtocol.Json11) => new("IncompleteSignatureException", 400, detail),
        (AuthFailure.Incomplete, _) => new("IncompleteSignatureException", 403, detail),
        (AuthFailure.UnknownKey, AwsProtocol.Query) => new("InvalidClientTokenId", 403, detail),
        (AuthFailure.UnknownKey, AwsProtocol.Json11) => new("UnrecognizedClientException", 400, detail),
        (AuthFailure.UnknownKey, _) => new("UnrecognizedClientException", 403, detail),
        (_, AwsProtocol.Query) => new("SignatureDoesNotMatch", 403, detail),
        (_, AwsProtocol.Json11) => new("InvalidSignatureException", 400, detail),
        _ => new("InvalidSignatureException", 403, detail),
    };

    /// <summary>The service's own answer when a rate limit is exceeded.</summary>
    public static AwsException Throttle(string service) => service switch
    {
        Operations.CloudFormation => new("Throttling", 400, "Rate exceeded"),
        Operations.Lambda => LambdaTooManyRequests("Rate exceeded"),
        Operations.Batch => BatchTooManyRequests("Too Many Requests"),
        Operations.AppRunner => new("ThrottlingException", 400, "Rate exceeded") { MessageMember = "Message" },
        _ => new("ThrottlingException", 400, "Rate exceeded"),
    };

    static AwsException BatchTooManyRequests(string message) => new("TooManyRequestsException", 429, message);

    static AwsException LambdaTooManyRequests(string message)
    {
        var e = new AwsException("TooManyRequestsException", 429, message) { MessageMember = "message" };
        e.Headers["Retry-After"] = "1";
        e.Fields["Type"] = "User";
        e.Fields["Reason"] = "CallerRateLimitExceeded";
        return e;
    }

    /// <summary>An injected fault: the error code the scenario names, with the status and text that service gives it.</summary>
    public static AwsException Fault(string code, string service, string operation, string account, string? message)
    {
        var principal = $"arn:aws:iam::{account}:user/sandbox";
        var denied = $"User: {principal} is not authorized to perform: {service}:{operation} because no identity-based policy allows the {service}:{operation} action";
        var lambda = service == Operations.Lambda;
        // restJson services answer authorization errors with 403 (ECS's model gives its AccessDeniedException 403 too).
        var restJson = lambda || service == Operations.Batch;
        AwsException e = code switch
        {
            "TooManyRequestsException" when service == Operations.Batch => BatchTooManyRequests(message ?? "Too Many Requests"),
            "TooManyRequestsException" => LambdaTooManyRequests(message ?? "Rate exceeded"),
            "ThrottlingException" or "Throttling" or "RequestLimitExceeded" or "RequestThrottled" or "ProvisionedThroughputExceededException"
                => new(code, 400, message ?? "Rate exceeded"),
            "InternalFailure" or "InternalError" or "InternalServerError" or "InternalServiceError" or "InternalServiceErrorException"
                or "ServerException" or "ServiceException"
                => new(code, 500, message ?? (code == "InternalFailure"
                    ? "The request processing has failed because of an unknown error, exception or failure."
                    : "An internal error occurred. Try again later.")),
            "ServiceUnavailable" or "ServiceUnavailableException" or "Unavailable"
                => new(code, 503, message ?? "The request has failed due to a temporary failure of the server."),
            "AccessDeniedException" => new(code, restJson || service == Operations.Ecs ? 403 : 400, message ?? denied),
            "AccessDenied" => new(code, 403, message ?? denied),
            "ExpiredTokenException" or "ExpiredToken" => new(code, restJson ? 403 : 400, message ?? "The security token included in the request is expired"),
            "UnrecognizedClientException" => new(code, restJson ? 403 : 400, message ?? "The security token included in the request is invalid."),
            "InvalidClientTokenId" => new(code, 403, message ?? "The security token included in the request is invalid."),
            "ResourceNotFoundException" => new(code, lambda ? 404 : 400, message ?? "Injected fault: resource not found"),
            "ServiceQuotaExceededException" when service == Operations.AppRunner => new(code, 402, message ?? "Injected fault: service quota exceeded"),
            "EC2ThrottledException" or "EFSIOException" => new(code, 502, message ?? "Injected fault"),
            _ => new(code, 400, message ?? $"Injected fault: {code}"),
        };
        if (lambda && !e.Fields.ContainsKey("Type"))
        {
            e.Fields["Type"] = e.Status >= 500 ? "Service" : "User";
            if (code != "TooManyRequestsException")
            {
                e = WithMember(e, "Message");
            }
        }
        // App Runner's errors carry their text in Message.
        return service == Operations.AppRunner ? WithMember(e, "Message") : e;
    }

    static AwsException WithMember(AwsException e, string member)
    {
        var copy = new AwsException(e.Code, e.Status, e.Message) { MessageMember = member };
        foreach (var (k, v) in e.Headers)
        {
            copy.Headers[k] = v;
        }

        foreach (var (k, v) in e.Fields)
        {
            copy.Fields[k] = v;
        }

        return copy;
    }
}
