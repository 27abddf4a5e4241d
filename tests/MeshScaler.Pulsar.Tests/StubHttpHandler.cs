using System.Net;
using System.Text;

namespace MeshScaler.Pulsar.Tests;

/// <summary>Answers requests in memory (no sockets), recording each request's URL; for hosts tests cannot reach.</summary>
internal sealed class StubHttpHandler : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly Func<HttpRequestMessage, HttpResponseMessage> _answer;
    private readonly List<string> _requests = [];

    public StubHttpHandler(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        _answer = answer;
    }

    /// <summary>Absolute URLs requested so far, oldest first.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _requests.Add(request.RequestUri!.AbsoluteUri);
        }

        return Task.FromResult(_answer(request));
    }
}
