using System.Security.Cryptography;
using System.Text;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

/// <summary>A school pays a provider: <see cref="Method"/> "offline" (bank transfer / fiscal payment already made, with its <see cref="Reference"/>) or "stripe".</summary>
public sealed record PaymentRequest(Guid? ProviderId, long? AmountFen, string? Method, string? Reference, string? Month);

/// <summary>A school records money its fund received: from families (service fees, 代收费) or the bureau's subsidy.</summary>
public sealed record ReceiptRequest(ReceiptSource? Source, long? AmountFen, string? Reference);

public enum ReceiptSource { Families, Subsidy }

/// <summary>What a payment request answered: the payment, and for Stripe the client secret a payer's page confirms with.</summary>
public sealed record PaymentResult(Payment Payment, string? ClientSecret, bool Replayed);

/// <summary>
/// How much of a school's payable to one provider is already paid or on its way: guards against paying more than is owed when
/// two payments are made at once (both update this document; one conflicts and is decided again on the new figure).
/// </summary>
public sealed class PayablePosition : IAggregate
{
    [System.Text.Json.Serialization.JsonConstructor]
    private PayablePosition() { }

    [System.Text.Json.Serialization.JsonInclude] public Guid Id { get; private set; }
    [System.Text.Json.Serialization.JsonInclude] public long Version { get; private set; }
    [System.Text.Json.Serialization.JsonInclude] public long CommittedFen { get; private set; }

    public static Guid IdOf(Guid provider, Guid school) => LedgerTransaction.IdOf($"payable-position:{provider:N}:{school:N}");

    public static PayablePosition Create(Guid provider, Guid school) => new() { Id = IdOf(provider, school) };

    public void Add(long fen)
    {
        CommittedFen += fen;
        Version++;
    }
}

/// <summary>
/// Payments from school funds to providers and receipts into the funds. The school pays only what the ledger says it owes the
/// provider for settled deliveries, less what is already paid or pending (<see cref="PayablePosition"/>); the same
/// Idempotency-Key answers with the same payment. Offline payments post to the ledger in the commit that records them; a Stripe
/// payment is recorded Pending first (so a crash after the gateway call loses nothing), then the gateway is called with the
/// payment's key, and it posts when the gateway's webhook reports it succeeded (<see cref="ApplyGatewayEventAsync"/>).
/// </summary>
public sealed class PaymentCommands(IMarketplaceStore store, IEnumerable<IPaymentGateway> gateways, TimeProvider clock)
{
    public const string IdempotencyScope = "payment";
    public const string WebhookScope = "gateway-event";
    public const string ReceiptScope = "receipt";

    public IReadOnlyList<string> Methods => [.. gateways.Select(g => g.Name)];

    public async Task<PaymentResult> PayAsync(Caller caller, string idempotencyKey, PaymentRequest r, CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.payments-school");
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var key = $"{caller.OrganizationId:N}:{idempotencyKey}";
        var hash = Hash($"{r.ProviderId}|{r.AmountFen}|{r.Method}|{r.Reference}|{r.Month}");
        if (await ReplayAsync(key, hash, ct) is { } replay) return replay;

        var gateway = gateways.FirstOrDefault(g => g.Name == r.Method);
        var v = new Validator()
            .Require(r.ProviderId is not null && r.ProviderId != Guid.Empty, "providerId", new("validation.required"))
            .Require(r.AmountFen is >= 1 and <= 1_000_000_000, "amountFen", new("validation.range", 1, 1_000_000_000))
            .Require(gateway is not null, "method", new("payment.method", string.Join(", ", Methods)))
            .Require(r.Month is null || StatementQueries.TryParseMonth(r.Month, out _), "month", new("validation.month"));
        if (r.Method == "offline") v.Text(r.Reference, "reference", 100);
        v.ThrowIfInvalid();
        var school = await store.FindAsync<School>(caller.OrganizationId, ct) ?? throw new NotFoundException("school", caller.OrganizationId);
        var provider = await store.FindAsync<Provider>(r.ProviderId!.Value, ct) ?? throw new NotFoundException("provider", r.ProviderId);

        Payment payment;
        try
        {
            payment = await ConcurrentChange.RetryAsync(async () =>
            {
                var now = clock.GetUtcNow();
                var available = await AvailableAsync(provider.Id, school.Id, ct);
                if (r.AmountFen!.Value > available.Fen) throw new DomainRuleException("payment-above-owed", Money.Yuan(Math.Max(0, available.Fen)));
                var p = Payment.Start(Ids.New(), school.Id, provider.Id, school.DistrictCode, r.AmountFen.Value, r.Month, gateway!.Name, key, now, caller.AuditName);
                var position = available.Position;
                var expected = position?.Version ?? 0;
                position ??= PayablePosition.Create(provider.Id, school.Id);
                position.Add(p.AmountFen);
                var changes = new StoreChanges().Insert(p).Publish(SettlementEvents.PaymentChanged(p, now))
                    .Remember(new IdempotencyRecord(IdempotencyScope, key, hash, p.Id, "", now));
                if (expected == 0) changes.Insert(position); else changes.Update(position, expected);
                if (gateway.Name == OfflinePaymentGateway.GatewayName)
                {
                    // The money has moved already: recorded as succeeded and posted in this commit.
                    var attempt = await gateway.StartAsync(Order(p, provider, r.Reference), ct);
                    p.Apply(attempt.State, attempt.GatewayReference, attempt.FailureCode, now);
                    if (p.State == PaymentState.Succeeded) changes.Insert(p.Posting(now));
                }
                try
                {
                    await store.CommitAsync(changes, ct);
                }
                catch (DuplicateException e) when (expected == 0 && e.Field != IdempotencyRecord.KeyField)
                {
                    // The school's first payments to this provider, made at once: the other one created the position. Decide again.
                    throw new ConcurrencyConflictException("payment", p.Id);
                }
                return p;
            });
        }
        catch (DuplicateException e) when (e.Field == IdempotencyRecord.KeyField)
        {
            // The same key, sent twice at once: the other request recorded the payment; answer with it.
            return await ReplayAsync(key, hash, ct) ?? throw new InvalidOperationException("Idempotency record vanished.");
        }
        return payment.State is PaymentState.Pending ? await StartAtGatewayAsync(payment, provider, replayed: false, ct) : new PaymentResult(payment, null, false);
    }

    /// <summary>
    /// What the school may still pay the provider: what settled deliveries credited its payable account, less every payment made
    /// or on its way (<see cref="PayablePosition.CommittedFen"/>).
    /// </summary>
    public async Task<(long Fen, PayablePosition? Position)> AvailableAsync(Guid providerId, Guid schoolId, CancellationToken ct = default)
    {
        var account = Accounts.ProviderPayable(providerId, schoolId);
        var earned = -(await store.SumLedgerAsync(new LedgerFilter(SchoolId: schoolId, ProviderId: providerId), ct))
            .Where(t => t.Account == account && t.Kind != LedgerKind.Payment).Sum(t => t.NetFen);
        var position = await store.FindAsync<PayablePosition>(PayablePosition.IdOf(providerId, schoolId), ct);
        return (earned - (position?.CommittedFen ?? 0), position);
    }

    /// <summary>Calls the gateway for a recorded Pending payment, with the payment's own key (a retry reaches the same gateway payment).</summary>
    private async Task<PaymentResult> StartAtGatewayAsync(Payment payment, Provider provider, bool replayed, CancellationToken ct)
    {
        var gateway = gateways.First(g => g.Name == payment.Gateway);
        var answer = await gateway.StartAsync(Order(payment, provider, null), ct);
        var now = await ApplyAsync(payment.Id, answer.State, answer.GatewayReference, answer.FailureCode, ct);
        return new PaymentResult(now, answer.ClientSecret, replayed);
    }

    /// <summary>Processes a verified gateway event once (by its id): a payment that succeeded posts to the ledger; one that failed frees its amount.</summary>
    public async Task<bool> ApplyGatewayEventAsync(GatewayEvent e, CancellationToken ct = default)
    {
        if (await store.FindIdempotencyAsync(WebhookScope, e.EventId, ct) is not null) return false; // replayed: processed before
        var now = clock.GetUtcNow();
        Payment? payment = null;
        if (e.Payment is { PaymentId: { } id } reported)
        {
            payment = await store.FindAsync<Payment>(id, ct);
            if (payment is not null)
            {
                await ApplyAsync(payment.Id, reported.State, reported.GatewayReference, null, ct);
            }
        }
        try
        {
            await store.CommitAsync(new StoreChanges().Remember(new IdempotencyRecord(WebhookScope, e.EventId, e.Type, payment?.Id ?? Guid.Empty, "", now)), ct);
        }
        catch (DuplicateException)
        {
            return false; // a twin delivery of the same event got there first; applying a state twice changes nothing
        }
        return true;
    }

    /// <summary>The school records money received into its fund (ledger: cash ← families' receivable or the bureau's subsidy).</summary>
    public async Task<LedgerTransaction> RecordReceiptAsync(Caller caller, string idempotencyKey, ReceiptRequest r, CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.payments-school");
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        new Validator()
            .Require(r.Source is not null, "source", new("validation.required"))
            .Require(r.AmountFen is >= 1 and <= 1_000_000_000, "amountFen", new("validation.range", 1, 1_000_000_000))
            .Text(r.Reference, "reference", 100)
            .ThrowIfInvalid();
        var school = await store.FindAsync<School>(caller.OrganizationId, ct) ?? throw new NotFoundException("school", caller.OrganizationId);
        var now = clock.GetUtcNow();
        var from = r.Source == ReceiptSource.Families ? Accounts.FamilyReceivable(school.Id) : Accounts.BureauSubsidy(school.DistrictCode);
        var tx = LedgerTransaction.Post($"receipt:{school.Id:N}:{idempotencyKey}", LedgerKind.Receipt, now, school.DistrictCode,
            [new(Accounts.Cash(school.Id), r.AmountFen!.Value), new(from, -r.AmountFen.Value)], $"{r.Source}: {r.Reference!.Trim()}", school.Id);
        try
        {
            await store.CommitAsync(new StoreChanges().Insert(tx), ct);
            return tx;
        }
        catch (DuplicateException e) when (e.Field == LedgerTransaction.DuplicateField)
        {
            // The same key again: the receipt recorded the first time, if it was the same receipt.
            var first = await store.FindAsync<LedgerTransaction>(tx.Id, ct);
            if (first is null || first.Entries.SequenceEqual(tx.Entries) && first.Memo == tx.Memo) return first ?? tx;
            throw new IdempotencyMismatchException();
        }
    }

    private async Task<Payment> ApplyAsync(Guid id, PaymentState state, string? reference, string? failureCode, CancellationToken ct) =>
        await ConcurrentChange.RetryAsync(async () =>
        {
            var payment = await store.FindAsync<Payment>(id, ct) ?? throw new NotFoundException("payment", id);
            var now = clock.GetUtcNow();
            var expected = payment.Version;
            var succeeded = payment.Apply(state, reference, failureCode, now);
            if (payment.Version == expected) return payment;
            var changes = new StoreChanges().Update(payment, expected).Publish(SettlementEvents.PaymentChanged(payment, now));
            if (succeeded) changes.Insert(payment.Posting(now));
            if (payment.State == PaymentState.Failed)
            {
                var position = await store.FindAsync<PayablePosition>(PayablePosition.IdOf(payment.ProviderId, payment.SchoolId), ct);
                if (position is not null)
                {
                    var version = position.Version;
                    position.Add(-payment.AmountFen);
                    changes.Update(position, version);
                }
            }
            await store.CommitAsync(changes, ct);
            return payment;
        });

    private static PaymentOrder Order(Payment p, Provider provider, string? reference) => new(
        p.Id, $"payment-{p.Id:N}", p.AmountFen, p.SchoolId, p.ProviderId, $"课后服务费 {p.Month ?? ""}".Trim(), provider.PaymentAccount, reference);

    private async Task<PaymentResult?> ReplayAsync(string key, string hash, CancellationToken ct)
    {
        var record = await store.FindIdempotencyAsync(IdempotencyScope, key, ct);
        if (record is null) return null;
        if (record.RequestHash != hash) throw new IdempotencyMismatchException();
        var payment = await store.FindAsync<Payment>(record.ResultId, ct) ?? throw new NotFoundException("payment", record.ResultId);
        if (payment.State is PaymentState.Succeeded or PaymentState.Failed) return new PaymentResult(payment, null, true);
        // Still pending or unknown (the first call's answer was lost, or it crashed before calling): ask the gateway again, same key.
        var provider = await store.FindAsync<Provider>(payment.ProviderId, ct) ?? throw new NotFoundException("provider", payment.ProviderId);
        return await StartAtGatewayAsync(payment, provider, replayed: true, ct);
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
