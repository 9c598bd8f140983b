using Microsoft.Extensions.Options;

namespace Marketplace.Storage.Mongo;

internal sealed class MongoStoreOptionsValidator : IValidateOptions<MongoStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, MongoStoreOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            failures.Add($"{MongoStoreOptions.Section}:ConnectionString is required when the MongoDB store is selected.");
        if (string.IsNullOrWhiteSpace(options.Database))
            failures.Add($"{MongoStoreOptions.Section}:Database is required when the MongoDB store is selected.");
        if (options.ServerSelectionTimeout <= TimeSpan.Zero)
            failures.Add($"{MongoStoreOptions.Section}:ServerSelectionTimeout must be positive.");
        if (options.IdempotencyRetention <= TimeSpan.Zero)
            failures.Add("Marketplace:Retention:Idempotency must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
