namespace Flume.Logging.Protocol.Tests;

public sealed class ListPoolTests
{
    [Fact]
    public void A_returned_list_comes_back_cleared_and_a_new_one_has_the_initial_capacity()
    {
        var pool = new ListPool<string>(retained: 2, initialCapacity: 7);
        var first = pool.Rent();
        first.Add("kept alive only by the list");
        pool.Return(first);

        var again = pool.Rent();
        var fresh = pool.Rent();

        Assert.Same(first, again);
        Assert.Empty(again);
        Assert.NotSame(first, fresh);
        Assert.Equal(7, fresh.Capacity);
    }

    [Fact]
    public void The_pool_keeps_no_more_than_its_retained_lists_and_ignores_null()
    {
        var pool = new ListPool<int>(retained: 1, initialCapacity: 0);
        var a = pool.Rent();
        var b = pool.Rent();
        pool.Return(a);
        pool.Return(b);
        pool.Return(null);

        Assert.Same(a, pool.Rent());
        Assert.NotSame(b, pool.Rent());
    }
}
