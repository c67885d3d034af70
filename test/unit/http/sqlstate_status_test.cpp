#include "core/http/sqlstate_status.hpp"

#include <gtest/gtest.h>

using pg_gateway::http::http_status_for_sqlstate;

TEST(SqlstateStatus, MapsCommonClasses) {
  EXPECT_EQ(http_status_for_sqlstate("P0001"), 400);
  EXPECT_EQ(http_status_for_sqlstate("22012"), 400);  // division_by_zero
  EXPECT_EQ(http_status_for_sqlstate("23505"), 409);
  EXPECT_EQ(http_status_for_sqlstate("23502"), 400);
  EXPECT_EQ(http_status_for_sqlstate("42501"), 403);
  EXPECT_EQ(http_status_for_sqlstate("57014"), 504);
  EXPECT_EQ(http_status_for_sqlstate("40001"), 503);
  EXPECT_EQ(http_status_for_sqlstate("08006"), 503);
  EXPECT_EQ(http_status_for_sqlstate("XX000"), 500);
  EXPECT_EQ(http_status_for_sqlstate("42883"), 500);
  EXPECT_EQ(http_status_for_sqlstate("25006"), 405);
}

TEST(SqlstateStatus, PostgrestStyleChosenStatus) {
  EXPECT_EQ(http_status_for_sqlstate("PT402"), 402);
  EXPECT_EQ(http_status_for_sqlstate("PT503"), 503);
  EXPECT_EQ(http_status_for_sqlstate("PT200"), 500);  // not an error status
  EXPECT_EQ(http_status_for_sqlstate("PT4x2"), 500);
}

TEST(SqlstateStatus, MalformedCodesAreServerErrors) {
  EXPECT_EQ(http_status_for_sqlstate(""), 500);
  EXPECT_EQ(http_status_for_sqlstate("2350"), 500);
  EXPECT_EQ(http_status_for_sqlstate("235050"), 500);
}
