using Marketplace.Core.Settlement;
using Marketplace.Payments.Stripe;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Payments;

public sealed class StripeRegistrationTests : IClassFixture<StripeStandIn>
{
    private readonly StripeStandIn stripe;

    public StripeRegistrationTests(StripeStandIn stripe)
    {
        this.stripe = stripe;
        stripe.Reset();
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddStripePayments(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();

    [Fact]
    public void StartUp_WithoutTheTwoSecrets_IsRefused_NamingBoth()
    {
        using var provider = Provider([]);

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Marketplace:Stripe:SecretKey", e.Message, StringComparison.Ordinal);
        Assert.Contains("Marketplace:Stripe:WebhookSecret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartUp_WithAPublishableKeyOrABadApiBase_IsRefused()
    {
        using var provider = Provider(new()
        {
            ["Marketplace:Stripe:SecretKey"] = "pk_live_123",
            ["Marketplace:Stripe:WebhookSecret"] = "whsec_1",
            ["Marketplace:Stripe:ApiBase"] = "localhost:12111",
            ["Marketplace:Stripe:Timeout"] = "00:00:00",
        });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("publishable key", e.Message, StringComparison.Ordinal);
        Assert.Contains("Marketplace:Stripe:ApiBase", e.Message, StringComparison.Ordinal);
        Assert.Contains("Marketplace:Stripe:Timeout", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_BindsTheSection_AndBothPortsReachStripe()
    {
        using var provider = Provider(new()
        {
            ["Marketplace:Stripe:SecretKey"] = StripeStandIn.SecretKey,
            ["Marketplace:Stripe:WebhookSecret"] = "whsec_1",
            ["Marketplace:Stripe:ApiBase"] = stripe.ApiBase + "/",
        });
        provider.GetRequiredService<IStartupValidator>().Validate();

        var gateway = provider.GetRequiredService<IPaymentGateway>();
        var attempt = await gateway.StartAsync(new PaymentOrder(Guid.CreateVersion7(), "k-1", 500, Guid.CreateVersion7(), Guid.CreateVersion7(), "围棋", "acct_1"));

        Assert.Equal("stripe", gateway.Name);
        Assert.Same(gateway, provider.GetRequiredService<IPaymentGateway>());
        Assert.Equal(PaymentState.Pending, attempt.State);
        Assert.Single(stripe.Intents);
        Assert.IsType<StripeWebhookReader>(provider.GetRequiredService<IPaymentWebhook>());
        Assert.Equal(TimeSpan.FromSeconds(30), provider.GetRequiredService<IOptions<StripeOptions>>().Value.Timeout);
    }

    [Theory]
    [InlineData("succeeded", PaymentState.Succeeded)]
    [InlineData("requires_payment_method", PaymentState.Pending)]
    [InlineData("requires_confirmation", PaymentState.Pending)]
    [InlineData("requires_action", PaymentState.Pending)]
    [InlineData("processing", PaymentState.Pending)]
    [InlineData("requires_capture", PaymentState.Pending)]
    [InlineData("canceled", PaymentState.Failed)]
    [InlineData("some_future_status", PaymentState.Unknown)]
    public void Status_MapsToPaymentState(string status, PaymentState state) => Assert.Equal(state, StripePayments.State(status));
}
