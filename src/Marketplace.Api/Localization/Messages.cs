namespace Marketplace.Api.Localization;

/// <summary>
/// The resources every client-facing message comes from: Messages.resx (zh-CN, the neutral language) and Messages.en.resx.
/// Keys are the <see cref="Marketplace.Core.Shared.UserMessage"/> keys Core and the host use; a domain rule's code is its
/// key and <c>{code}.title</c> its title; <c>resource.{kind}</c>, <c>enum.{Type}.{Name}</c>, <c>status.{code}</c> and
/// <c>cause.{code}</c> name things. MessageCatalogTests keep both files' keys and placeholders alike.
/// </summary>
public sealed class Messages;
