using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Marketplace.Storage.Mongo;
using MongoDB.Bson;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>The accounts and audit filters the Mongo store sends, each on its index (users.ix_organization / ix_role, audit.ix_district /
/// ix_organization newest first); no server needed.</summary>
public sealed class MongoAccountQueryShapeTests
{
    private static readonly Guid A = Guid.Parse("0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b"), B = Guid.Parse("0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5c");

    [Fact]
    public void UsersPage_OfAnOrganisationOrARole_AfterTheCursor()
    {
        Assert.Equal(BsonDocument.Parse("""
            { "organizationId": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b", "_id": { "$gt": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5c" } }
            """), AccountQuery.Users(new UserFilter(OrganizationId: A, After: B)));
        Assert.Equal(BsonDocument.Parse("""{ "role": "Administrator" }"""), AccountQuery.Users(new UserFilter(Role: Role.Administrator, Limit: 1)));
    }

    [Fact]
    public void AuditPage_OfDistrictsAndAnOrganisation_BeforeTheCursor_NewestFirst()
    {
        Assert.Equal(BsonDocument.Parse("""
            { "district": { "$in": [ "110101", "110105" ] }, "organizationId": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b",
              "_id": { "$lt": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5c" } }
            """), AccountQuery.Audit(new AuditFilter(["110101", "110105"], A, 100, B)));
        Assert.Equal(BsonDocument.Parse("""{ "_id": -1 }"""), AccountQuery.NewestFirst);
        Assert.Equal(new BsonDocument(), AccountQuery.Audit(new AuditFilter()));
    }

    [Fact]
    public void BureausPage_ByLevel_CountsABureauWithoutALevel_AsADistrictBureau()
    {
        Assert.Equal(BsonDocument.Parse("""{ "level": { "$in": [ "District", null ] } }"""), AccountQuery.Bureaus(new BureauFilter(BureauLevel.District)));
        Assert.Equal(BsonDocument.Parse("""{ "level": "City", "_id": { "$gt": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b" } }"""),
            AccountQuery.Bureaus(new BureauFilter(BureauLevel.City, After: A)));
    }
}
