#include "core/webhooks/job_answer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg_gateway::webhooks {
namespace {

JobState job(std::string status, int attempts = 1, bool error = false,
             std::optional<std::string> result = std::nullopt) {
  JobState j;
  j.id = 42;
  j.status = std::move(status);
  j.attempts = attempts;
  j.has_error = error;
  j.result = std::move(result);
  return j;
}

TEST(JobAnswer, SettledStates) {
  EXPECT_TRUE(settled(job("succeeded")));
  EXPECT_TRUE(settled(job("failed", 25, true)));
  EXPECT_TRUE(settled(job("")));                   // deleted after the retention
  EXPECT_TRUE(settled(job("queued", 1, true)));    // an attempt failed, retry scheduled
  EXPECT_FALSE(settled(job("queued", 0, false)));  // not run yet
  EXPECT_FALSE(settled(job("running", 1, false)));
  EXPECT_FALSE(settled(job("running", 2, true)));  // a retry in progress
}

TEST(JobAnswer, SuccessAnswersTheResult) {
  http::Response r =
      settled_response(job("succeeded", 1, false, R"({"id":7})"), RespondMode::kResult);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"id":7})");
  EXPECT_EQ(*r.find_header("content-type"), "application/json");
  EXPECT_EQ(settled_response(job("succeeded", 1, false, "null"), RespondMode::kResult).status, 204);
  EXPECT_EQ(settled_response(job("succeeded"), RespondMode::kResult).status, 204);
  EXPECT_EQ(settled_response(job("succeeded", 1, false, R"({"id":7})"), RespondMode::kEmpty).status,
            204);
}

TEST(JobAnswer, TheTaskMayChooseTheStatus) {
  http::Response r = settled_response(
      job("succeeded", 1, false, R"({"webhook_response":{"status":409,"body":{"why":"dup"}}})"),
      RespondMode::kResult);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, R"({"why":"dup"})");
  r = settled_response(job("succeeded", 1, false, R"({"webhook_response":{"status":201}})"),
                       RespondMode::kResult);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "");
  // Outside 2xx/4xx (a redirect, a 5xx, nonsense): ignored, the result is the body.
  for (const char* bad :
       {R"({"webhook_response":{"status":302}})", R"({"webhook_response":{"status":503}})",
        R"({"webhook_response":{"status":"400"}})", R"({"webhook_response":7})"}) {
    r = settled_response(job("succeeded", 1, false, bad), RespondMode::kResult);
    EXPECT_EQ(r.status, 200) << bad;
    EXPECT_EQ(r.body, bad);
  }
}

TEST(JobAnswer, FailuresAre500WithoutTheError) {
  http::Response r = settled_response(job("failed", 25, true), RespondMode::kResult);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(*r.find_header("x-job-id"), "42");
  EXPECT_NE(r.body.find("job_failed"), std::string::npos);
  r = settled_response(job("queued", 1, true), RespondMode::kResult);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("retried"), std::string::npos);
}

TEST(JobAnswer, AcceptedPointsAtTheJob) {
  http::Response r = accepted_response(42, 9, true);
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(*r.find_header("location"), "/jobs/42");
  EXPECT_EQ(r.body, R"({"job_id":42,"delivery_id":9,"duplicate":true})");
  EXPECT_EQ(settled_response(job(""), RespondMode::kResult).status, 200);
}

TEST(JobAnswer, RespondModes) {
  EXPECT_EQ(respond_mode("result"), RespondMode::kResult);
  EXPECT_EQ(respond_mode("empty"), RespondMode::kEmpty);
  EXPECT_EQ(respond_mode("accepted"), RespondMode::kAccepted);
  EXPECT_FALSE(respond_mode("Result").has_value());
}

}  // namespace
}  // namespace pg_gateway::webhooks
