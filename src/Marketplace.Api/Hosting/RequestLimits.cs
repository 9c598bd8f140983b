using Marketplace.Api.Localization;
using Marketplace.Api.Configuration;
using Marketplace.Api.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Size limits, answered with problem details. Bodies: Marketplace:MaxRequestBodyBytes (256 KB) on every endpoint —
/// the largest real body, an offering with a 4,000-character description, is far below it — instead of Kestrel's 30 MB,
/// which every endpoint parsed in full. An endpoint that needs more says so in its metadata (<see cref="IRequestSizeLimitMetadata"/>,
/// e.g. <c>.WithMetadata(new RequestSizeLimitAttribute(n))</c>: the school roster import), and only that endpoint gets it. Request targets: the app refuses path + query over 8 KB with a 414 problem;
/// Kestrel accepts request lines up to 128 KB so that such requests reach the app at all (Kestrel's own 414 has no body).
/// </summary>
public static class RequestLimits
{
    public const int MaxTargetLength = 8 * 1024;
    public const int KestrelMaxRequestLine = 128 * 1024;

    public static IServiceCollection AddRequestLimits(this IServiceCollection services, MarketplaceSettings settings) =>
        services.Configure<KestrelServerOptions>(o =>
        {
            o.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
            o.Limits.MaxRequestLineSize = KestrelMaxRequestLine;
        });

    /// <summary>After the exception handler and status code pages, before anything reads a body.</summary>
    public static void UseRequestLimits(this WebApplication app)
    {
        var defaultLimit = app.Services.GetRequiredService<MarketplaceSettings>().MaxRequestBodyBytes;
        app.Use(async (http, next) =>
        {
            var limit = BodyLimit(http, defaultLimit);
            var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
                ? raw.Length : http.Request.Path.Value?.Length + http.Request.QueryString.Value?.Length ?? 0;
            if (target > MaxTargetLength)
            {
                await WriteAsync(http, new ProblemDetails
                {
                    Status = StatusCodes.Status414UriTooLong, Title = ProblemTitles.Of(http, StatusCodes.Status414UriTooLong),
                    Detail = http.Render(new("request.target-too-long", MaxTargetLength)),
                });
                return;
            }
            if (http.Request.ContentLength > limit)
            {
                await WriteAsync(http, TooLarge(http, limit));
                return;
            }
            // A body without Content-Length (chunked) is cut off while it is read: by Kestrel's own limit when the server
            // is Kestrel, otherwise (the in-memory test server) by counting; either way binding answers 413.
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
            else if (http.Request.ContentLength is null) http.Request.Body = new LimitedReadStream(http.Request.Body, limit);
            await next(http);
        });
    }

    /// <summary>The body limit of the request's endpoint: its own (metadata) when it declares one, else the setting. Routing has
    /// chosen the endpoint by now (WebApplication routes first); a request that matches none has the default.</summary>
    internal static long BodyLimit(HttpContext http, long defaultLimit) =>
        http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? defaultLimit;

    internal static ProblemDetails TooLarge(HttpContext http, long limit) => new()
    {
        Status = StatusCodes.Status413PayloadTooLarge, Title = ProblemTitles.Of(http, StatusCodes.Status413PayloadTooLarge),
        Detail = http.Render(new("request.body-too-large", limit)),
    };

    private static Task WriteAsync(HttpContext http, ProblemDetails problem) => Problems.WriteAsync(http, problem);

    /// <summary>Reads at most <c>limit</c> bytes, then fails as Kestrel does: a 413 <see cref="BadHttpRequestException"/>.</summary>
    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read <= limit ? read : throw new Microsoft.AspNetCore.Http.BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }
    }
}
